import { StoreError, ValidationError, type JsonObject, type Message, type PraisonAIDB, type TimelineItem, type ToolCall } from '../../index.js'
import { checkChoice, checkId, checkJsonObject, checkOptionalText, checkRecord, checkTime, epochMs, invalid } from './checks.js'
import { callerMetadata, markOf, withMark } from './marks.js'
import { openAiToolCalls, projectToolCalls } from './tool-calls.js'
import type { DbMessage } from './types.js'

// praisonai messages on agentdb records. User and assistant messages are messages (an
// assistant's tool calls kept as agentdb keeps them); a system message is appended by
// `editHistory`, as no hook writes one; a tool message becomes a tool call record with its
// `toolCallId` and its content as the result, which is what `getHistory` pairs with the
// assistant turn that asked. What the records cannot say is kept in the mark (see marks.ts).

const ROLES = ['system', 'user', 'assistant', 'tool'] as const

/** Attempts of `deleteMessages` that lost a race with a concurrent write to the session. */
const MAX_ATTEMPTS = 8

/** Writes one praisonai message; the message's id makes a retried call add nothing. @throws ValidationError */
export async function saveMessage(db: PraisonAIDB, value: unknown): Promise<void> {
  const m = checkRecord('message', value)
  const id = checkId('message.id', m['id'])
  const role = checkChoice('message.role', m['role'], ROLES)
  const content = m['content']
  const createdAt = checkTime('message.createdAt', m['createdAt'])
  const name = checkOptionalText('message.name', m['name'])
  const toolCallId = checkOptionalText('message.toolCallId', m['toolCallId'])
  const metadata = checkJsonObject('message.metadata', m['metadata'])
  const sessionId = m['sessionId'] as string
  const runId = m['runId'] === undefined ? undefined : checkId('message.runId', m['runId'])
  if (m['toolCalls'] !== undefined && role !== 'assistant') invalid(`message.toolCalls belongs to an assistant message, not a ${role} message`)
  const projected = m['toolCalls'] === undefined ? undefined : projectToolCalls(m['toolCalls'])
  if (content !== null && typeof content !== 'string') throw new ValidationError('CONTENT_INVALID', `message.content must be a string or null, got ${typeof content}`)
  const contentNull = content === null ? true : undefined
  const text = (content ?? '') as string
  if (role === 'tool') {
    await db.aonToolCall({
      sessionId, id, runId, toolName: name || 'tool', arguments: {}, result: content, toolCallId: toolCallId ?? null,
      metadata: withMark(metadata, { kind: 'message', createdAt, contentNull, name }),
    })
    return
  }
  const marked = withMark(metadata, { kind: 'message', createdAt, contentNull, name, toolCallId, toolCalls: projected?.verbatim })
  if (role === 'user') await db.aonUserMessage({ sessionId, id, runId, content: text, metadata: marked })
  else if (role === 'assistant') await db.aonAgentMessage({ sessionId, id, runId, content: text, metadata: marked, toolCalls: projected?.calls })
  else {
    // No hook writes a system message; an edit that keeps every record appends one, in call order.
    await db.editHistory(sessionId, {
      afterSeq: Number.MAX_SAFE_INTEGER,
      append: [{ kind: 'message', role: 'system', id, content: text, metadata: marked as JsonObject, ...(runId === undefined ? {} : { runId }) }],
    })
  }
}

const optional = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

function fromMessage(r: Message): DbMessage {
  const mark = markOf(r.metadata)
  const calls = r.toolCalls === null ? undefined : mark?.['toolCalls'] ?? openAiToolCalls(r.toolCalls)
  // A turn that only called tools has no text: praisonai's null (an unmarked record: agentdb's Agent).
  const isNull = mark === undefined ? r.content === '' && calls !== undefined : mark['contentNull'] === true
  return {
    id: r.id, sessionId: r.sessionId, ...optional('runId', r.runId), role: r.role, content: isNull ? null : r.content,
    ...optional('name', mark?.['name'] as string | undefined), ...optional('toolCallId', mark?.['toolCallId'] as string | undefined),
    ...optional('toolCalls', calls as unknown[] | undefined),
    createdAt: typeof mark?.['createdAt'] === 'number' ? mark['createdAt'] : epochMs(r.createdAt),
    ...optional('metadata', callerMetadata(r.metadata)),
  }
}

/** A tool call record as a `tool` message: one written by `saveMessage`, or any with a provider call id. */
function fromToolCall(r: ToolCall): DbMessage | undefined {
  const mark = markOf(r.metadata)
  if (mark?.kind === 'toolCall' || (mark === undefined && r.toolCallId === null)) return undefined
  let content: string | null
  if (mark !== undefined) content = mark['contentNull'] === true ? null : r.result as string
  else content = r.error !== null ? `error: ${r.error}` : typeof r.result === 'string' ? r.result : JSON.stringify(r.result)
  return {
    id: r.id, sessionId: r.sessionId, ...optional('runId', r.runId), role: 'tool', content,
    ...optional('name', mark === undefined ? r.toolName : mark['name'] as string | undefined), ...optional('toolCallId', r.toolCallId),
    createdAt: typeof mark?.['createdAt'] === 'number' ? mark['createdAt'] : epochMs(r.createdAt),
    ...optional('metadata', callerMetadata(r.metadata)),
  }
}

/** A timeline as praisonai messages, in order (`saveToolCall`'s records are not messages). */
export function toMessages(timeline: readonly TimelineItem[]): DbMessage[] {
  const out: DbMessage[] = []
  for (const item of timeline) {
    const message = item.kind === 'message' ? fromMessage(item.message) : fromToolCall(item.toolCall)
    if (message !== undefined) out.push(message)
  }
  return out
}

/**
 * The last `limit` messages oldest first (all without a limit). A window whose first
 * messages would be tool results starts at the assistant turn that asked for them instead,
 * so a provider never sees a result without its call.
 */
export async function readMessages(db: PraisonAIDB, sessionId: string, limit: number | undefined): Promise<DbMessage[]> {
  if (limit === undefined) return toMessages(await db.getTimeline(sessionId))
  for (let width = Math.min(Number.MAX_SAFE_INTEGER, Math.max(64, limit * 2)); ; width = Math.min(Number.MAX_SAFE_INTEGER, width * 4)) {
    const timeline = await db.getTimeline(sessionId, { limit: width })
    const complete = timeline.length < width
    const messages = toMessages(timeline)
    let start = messages.length - limit
    if (start < 0) {
      if (complete) return messages
      continue
    }
    while (start > 0 && messages[start]!.role === 'tool') start -= 1
    if (start === 0 && messages[0]?.role === 'tool' && !complete) continue
    return messages.slice(start)
  }
}

/** A tool call record kept by `deleteMessages`, appended again as it was. */
const keptAppend = (r: ToolCall): Parameters<PraisonAIDB['editHistory']>[1]['append'][number] => ({
  kind: 'toolCall', id: r.id, toolName: r.toolName, arguments: r.arguments, result: r.result, error: r.error, durationMs: r.durationMs,
  metadata: r.metadata, ...(r.toolCallId === null ? {} : { toolCallId: r.toolCallId }), ...(r.runId === null ? {} : { runId: r.runId }),
})

/**
 * Removes a session's messages in one edit. Tool call records that are not messages (a run's
 * tool calls from `saveToolCall`) are kept: appended again, in order, in the same edit, which
 * fails and is tried again when another write reached the session meanwhile.
 */
export async function deleteMessages(db: PraisonAIDB, sessionId: string): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const timeline = await db.getTimeline(sessionId)
    if (timeline.length === 0) return
    const kept = timeline.flatMap((item) => (item.kind === 'toolCall' && fromToolCall(item.toolCall) === undefined ? [keptAppend(item.toolCall)] : []))
    try {
      await db.editHistory(sessionId, { afterSeq: 0, expectLastSeq: timeline[timeline.length - 1]!.seq, append: kept })
      return
    } catch (error) {
      if (!(error instanceof StoreError && (error.code as string) === 'HISTORY_CONFLICT')) throw error
    }
  }
  throw new StoreError('STORE_FAILED', `the messages of session ${JSON.stringify(sessionId.slice(0, 80))} kept changing under ${MAX_ATTEMPTS} attempts to delete them; try again`)
}
