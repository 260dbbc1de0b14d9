import { ValidationError, type JsonObject, type PraisonAIDB, type ToolCall } from '../../index.js'
import { checkChoice, checkId, checkOptionalText, checkOptionalTime, checkRecord, checkTime, epochMs } from './checks.js'
import type { Directory } from './directory.js'
import { markOf, withMark } from './marks.js'
import type { DbToolCall } from './types.js'

// praisonai's tool executions (`saveToolCall`, keyed by run) as agentdb tool calls of the
// run's session. The arguments text is parsed for agentdb's record when it is a JSON object;
// the text itself, the status and the times are kept in the mark.

const STATUSES = ['pending', 'completed', 'failed'] as const

/** A whole tool call, checked. @throws ValidationError */
export function checkToolCall(value: unknown): DbToolCall {
  const t = checkRecord('toolCall', value)
  const args = t['arguments']
  if (typeof args !== 'string') throw new ValidationError('FIELD_INVALID', `toolCall.arguments must be the arguments' text, got ${typeof args}`)
  const result = checkOptionalText('toolCall.result', t['result'])
  const completedAt = checkOptionalTime('toolCall.completedAt', t['completedAt'])
  const error = checkOptionalText('toolCall.error', t['error'])
  return {
    id: checkId('toolCall.id', t['id']), runId: checkId('toolCall.runId', t['runId']), name: checkId('toolCall.name', t['name']), arguments: args,
    ...(result === undefined ? {} : { result }), status: checkChoice('toolCall.status', t['status'], STATUSES),
    startedAt: checkTime('toolCall.startedAt', t['startedAt']), ...(completedAt === undefined ? {} : { completedAt }), ...(error === undefined ? {} : { error }),
  }
}

/** The arguments text as an object for agentdb's record, or {} when it is not a JSON object. */
function parsedArguments(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JsonObject : {}
  } catch {
    return {} // not JSON: the text is kept in the mark, agentdb's record shows no arguments
  }
}

function fromRecord(r: ToolCall, runId: string): DbToolCall | undefined {
  const mark = markOf(r.metadata)
  if (mark?.kind === 'message') return undefined
  const result = typeof r.result === 'string' ? r.result : r.result === null ? undefined : JSON.stringify(r.result)
  if (mark === undefined) {
    // A tool call agentdb's Agent (or a hook) recorded during the run.
    const startedAt = epochMs(r.createdAt)
    return {
      id: r.id, runId, name: r.toolName, arguments: JSON.stringify(r.arguments), ...(result === undefined ? {} : { result }),
      status: r.error === null ? 'completed' : 'failed', startedAt,
      ...(r.durationMs === null ? {} : { completedAt: startedAt + Math.round(r.durationMs) }), ...(r.error === null ? {} : { error: r.error }),
    }
  }
  return {
    id: r.id, runId, name: r.toolName, arguments: mark['arguments'] as string, ...(result === undefined ? {} : { result }),
    status: mark['status'] as DbToolCall['status'], startedAt: mark['startedAt'] as number,
    ...(typeof mark['completedAt'] === 'number' ? { completedAt: mark['completedAt'] } : {}), ...(r.error === null ? {} : { error: r.error }),
  }
}

/** Writes a run's tool call; its id makes a retried call add nothing. @throws ValidationError when the run does not exist. */
export async function saveToolCall(db: PraisonAIDB, directory: Directory, value: unknown): Promise<void> {
  const call = checkToolCall(value)
  const sessionId = await directory.runSession(call.runId)
  if (sessionId === undefined) throw new ValidationError('FIELD_INVALID', `toolCall.runId ${JSON.stringify(call.runId)} names no run: create the run first`)
  await db.aonToolCall({
    sessionId, id: call.id, runId: call.runId, toolName: call.name, arguments: parsedArguments(call.arguments), result: call.result ?? null,
    error: call.error ?? null, durationMs: call.completedAt === undefined ? null : Math.max(0, call.completedAt - call.startedAt),
    metadata: withMark(undefined, { kind: 'toolCall', arguments: call.arguments, status: call.status, startedAt: call.startedAt, completedAt: call.completedAt }),
  })
}

/** A run's tool calls in the order they were recorded; [] when there is no such run. */
export async function readToolCalls(db: PraisonAIDB, directory: Directory, runId: unknown): Promise<DbToolCall[]> {
  const id = checkId('runId', runId)
  const sessionId = await directory.runSession(id)
  if (sessionId === undefined) return []
  const out: DbToolCall[] = []
  for (const record of await db.getToolCalls(sessionId)) {
    if (record.runId !== id) continue
    const call = fromRecord(record, id)
    if (call !== undefined) out.push(call)
  }
  return out
}
