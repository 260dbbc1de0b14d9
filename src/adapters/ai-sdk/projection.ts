import { createHash } from 'node:crypto'
import type { AssistantToolCall, HistoryAppend, JsonObject, JsonValue } from '../../index.js'
import type { PreparedMessage, ToolPart } from './ui-message.js'

/** The metadata key of a message record that holds its UIMessage, verbatim, as JSON text. */
export const UI_MESSAGE_KEY = 'aiSdkUiMessage'
/** The metadata key marking a reply that was saved after its stream was aborted. */
export const ABORTED_KEY = 'aborted'
/** The metadata key naming the UIMessage a record came from (a save finds messages without parsing them). */
export const UI_MESSAGE_ID_KEY = 'aiSdkUiMessageId'

/** How one message is written: the marks a save puts on its record. */
export interface MessageMarks {
  readonly aborted: boolean
  readonly userId: string | null
}

/**
 * A record id derived from the chat and the message (and the tool call): the same message of
 * the same chat always gets the same id, so a retried write adds nothing, while two chats that
 * reuse a message id (SQL stores key message ids across the whole store) never collide.
 */
function recordId(...parts: readonly string[]): string {
  return `aisdk_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * A JSON value whose strings no store refuses: lone surrogates become U+FFFD. Only the
 * projection is mended; the verbatim message is JSON text, where `JSON.stringify` escapes them.
 */
function mended(value: unknown): JsonValue {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd')
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'boolean' || value === null) return value
  if (Array.isArray(value)) return value.map(mended)
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {}
    for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key.replace(LONE_SURROGATE, '\ufffd')] = mended(child)
    return out
  }
  return null
}

/** The parsed JSON copy of a value (what a reader of the stored message sees), mended. */
const asJson = (value: unknown): JsonValue => (value === undefined ? null : mended(JSON.parse(JSON.stringify(value)) as unknown))

/** Tool arguments are an object in our records; any other input is kept under `input`. */
function argumentsOf(input: unknown): JsonObject {
  const json = asJson(input)
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? json as JsonObject : { input: json }
}

/** Parts whose call has settled: they become tool-call records. */
const SETTLED = new Set(['output-available', 'output-error', 'output-denied'])

function deniedText(part: ToolPart): string {
  const approval = part.approval
  const reason = typeof approval === 'object' && approval !== null ? (approval as { readonly reason?: unknown }).reason : undefined
  return typeof reason === 'string' && reason !== '' ? `denied: ${reason}` : 'denied'
}

function toolCallRecord(chatId: string, message: PreparedMessage, part: ToolPart): HistoryAppend {
  const failed = part.state !== 'output-available'
  const error = part.state === 'output-denied' ? deniedText(part) : typeof part.errorText === 'string' ? part.errorText : 'tool failed'
  return {
    kind: 'toolCall',
    id: recordId(chatId, message.id, part.toolCallId),
    toolName: part.toolName,
    toolCallId: part.toolCallId,
    arguments: argumentsOf(part.input),
    result: failed ? null : asJson(part.output),
    error: failed ? (mended(error) as string) : null,
    metadata: { [UI_MESSAGE_ID_KEY]: message.id },
  }
}

/**
 * The records of one UIMessage: one message record (role, the text of its text parts, the
 * message verbatim under `aiSdkUiMessage` and its id under `aiSdkUiMessageId`; an assistant message lists the tool calls whose input
 * is complete) followed by one tool-call record per settled tool part (input as arguments,
 * output as result, errorText or a denial as error), so `getTimeline`, `getHistory`, the CLI and
 * the viewer show the chat.
 */
export function projectMessage(chatId: string, message: PreparedMessage, marks: MessageMarks): HistoryAppend[] {
  const metadata: Record<string, JsonValue> = { [UI_MESSAGE_KEY]: message.json, [UI_MESSAGE_ID_KEY]: message.id }
  if (marks.aborted) metadata[ABORTED_KEY] = true
  if (marks.userId !== null) metadata['userId'] = marks.userId
  const asked: AssistantToolCall[] = message.toolParts
    .filter((part) => part.state !== 'input-streaming')
    .map((part) => ({ id: part.toolCallId, name: part.toolName, arguments: JSON.stringify(asJson(part.input ?? {})) }))
  const record: HistoryAppend = {
    kind: 'message',
    id: recordId(chatId, message.id),
    role: message.role,
    content: mended(message.text) as string,
    metadata,
    ...(message.role === 'assistant' && asked.length > 0 ? { toolCalls: asked } : {}),
  }
  return [record, ...message.toolParts.filter((part) => SETTLED.has(part.state)).map((part) => toolCallRecord(chatId, message, part))]
}
