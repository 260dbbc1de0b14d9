import type { HistoryAppend, JsonObject, JsonValue, Message, TimelineItem } from '../../index.js'
import { decodeItem, encodeItem, type EncodedItem, type Special } from './item-codec.js'

/**
 * The reserved metadata key of a record that holds an OpenAI Agents item: `{ item, specials?,
 * operation? }`, `item` being the item's JSON text (kept as text because PostgreSQL's `jsonb`
 * and MySQL's `JSON` reorder object keys).
 */
export const ITEM_KEY = 'openaiAgents'

/** Marks the first record a history transaction appended: its operation and payload digests. */
export interface OperationMark {
  readonly id: string
  readonly payload: string
}

/** Who the session belongs to, written into each record's metadata (fills the session's owner while unset). */
export interface Owners {
  readonly userId?: string | undefined
  readonly agentId?: string | undefined
}

type Item = Record<string, unknown>

const MAX_NAME = 255


/** The text of one content part as a reader sees it; media become a short placeholder. */
function partText(part: unknown): string {
  if (typeof part === 'string') return part
  if (typeof part !== 'object' || part === null) return ''
  const p = part as Item
  if (typeof p['text'] === 'string') return p['text']
  if (typeof p['refusal'] === 'string') return p['refusal']
  if (typeof p['transcript'] === 'string') return p['transcript']
  const type = typeof p['type'] === 'string' ? p['type'] : 'part'
  if (type === 'input_file' && typeof p['filename'] === 'string') return `[file: ${p['filename']}]`
  return `[${type.replace(/^input_/, '')}]`
}

/** A message's or tool output's content as one text. */
export function contentText(content: unknown): string {
  if (content === undefined || content === null) return ''
  return Array.isArray(content) ? content.map(partText).join('') : partText(content)
}

/** The text with each lone surrogate replaced (content refuses them; the verbatim item, JSON text, keeps them escaped). */
const wellFormed = (text: string): string => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')

/** A text the store takes as a name or id (else the item is projected as a `tool` line). */
const isName = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME && wellFormed(value) === value

/** One line telling what an item without a chat form is (reasoning, a hosted or computer call, …). */
function summary(item: Item, type: string): string {
  if (type === 'reasoning') {
    const text = contentText(item['content']) || contentText(item['rawContent']) || contentText(item['summary'])
    return text === '' ? 'reasoning' : `reasoning: ${text}`
  }
  const name = typeof item['name'] === 'string' ? ` ${item['name']}` : ''
  const action = typeof item['action'] === 'object' && item['action'] !== null && typeof (item['action'] as Item)['type'] === 'string'
    ? ` (${String((item['action'] as Item)['type'])})` : ''
  const status = typeof item['status'] === 'string' ? `: ${item['status']}` : ''
  return `${type}${name}${action}${status}`
}

/** The item's `type`; an input message written as `{ role, content }` has none and is a `message`. */
export function itemType(item: Item): string {
  if (typeof item['type'] === 'string') return item['type']
  return typeof item['role'] === 'string' ? 'message' : 'unknown'
}

function metadataOf(encoded: EncodedItem, owners: Owners, operation: OperationMark | undefined): JsonObject {
  const stored: Record<string, JsonValue> = { item: encoded.json }
  if (encoded.specials.length > 0) stored['specials'] = encoded.specials.map(([path, kind]) => [[...path], kind])
  if (operation !== undefined) stored['operation'] = { id: operation.id, payload: operation.payload }
  const metadata: Record<string, JsonValue> = { [ITEM_KEY]: stored }
  if (owners.userId !== undefined) metadata['user_id'] = owners.userId
  if (owners.agentId !== undefined) metadata['agent_id'] = owners.agentId
  return metadata
}

const CHAT_ROLES: Readonly<Record<string, 'user' | 'assistant' | 'system'>> = { user: 'user', assistant: 'assistant', system: 'system', developer: 'system' }

/**
 * The record that stores one item: verbatim in its metadata (`ITEM_KEY`), and readable as a
 * message or tool call. Messages become messages of their role with their text; a
 * `function_call` an assistant message asking for that call; a `function_call_result` a tool
 * call with the provider's call id (so `getHistory` pairs them); any other item (reasoning, a
 * hosted or computer call, a type the SDK adds later) a `tool`-role message of one line,
 * shown by timelines and left out of `getHistory`.
 * @throws ValidationError when the item is not JSON data (see `encodeItem`)
 */
export function recordOf(item: Item, id: string, owners: Owners, operation?: OperationMark): HistoryAppend {
  const encoded = encodeItem(item)
  const metadata = metadataOf(encoded, owners, operation)
  const type = itemType(item)
  const role = typeof item['role'] === 'string' ? CHAT_ROLES[item['role']] : undefined
  if (type === 'message' && role !== undefined) {
    return { kind: 'message', id, role, content: wellFormed(contentText(item['content'])), metadata }
  }
  if (type === 'function_call' && isName(item['callId']) && isName(item['name'])) {
    const args = typeof item['arguments'] === 'string' ? item['arguments'] : '{}'
    return { kind: 'message', id, role: 'assistant', content: '', metadata, toolCalls: [{ id: item['callId'], name: item['name'], arguments: args }] }
  }
  if (type === 'function_call_result' && isName(item['callId']) && isName(item['name'])) {
    return { kind: 'toolCall', id, toolName: item['name'], toolCallId: item['callId'], arguments: {}, result: wellFormed(contentText(item['output'])), metadata }
  }
  return { kind: 'message', id, role: 'tool', content: wellFormed(summary(item, type)), metadata }
}

/** A stored record's item: the one it stores verbatim, else (a record another writer made) a plain message; null for anything else. */
export function itemOf(entry: TimelineItem): Item | null {
  const metadata = entry.kind === 'message' ? entry.message.metadata : entry.toolCall.metadata
  const stored = metadata[ITEM_KEY]
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored) && typeof (stored as JsonObject)['item'] === 'string') {
    const s = stored as JsonObject
    const specials = Array.isArray(s['specials']) ? (s['specials'] as unknown as Special[]) : []
    return decodeItem({ json: s['item'] as string, specials })
  }
  return entry.kind === 'message' ? plainItem(entry.message) : null
}

/** The operation mark of a stored record, if a history transaction appended it first. */
export function operationOf(entry: TimelineItem): OperationMark | undefined {
  const metadata = entry.kind === 'message' ? entry.message.metadata : entry.toolCall.metadata
  const stored = metadata[ITEM_KEY]
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return undefined
  const mark = (stored as JsonObject)['operation']
  if (typeof mark !== 'object' || mark === null || Array.isArray(mark)) return undefined
  const { id, payload } = mark as JsonObject
  return typeof id === 'string' && typeof payload === 'string' ? { id, payload } : undefined
}

/** A message some other writer stored in the session (a hook, the CLI's import), as an input item. */
function plainItem(message: Message): Item | null {
  if (message.role === 'user' || message.role === 'system') return { role: message.role, content: message.content }
  if (message.role !== 'assistant' || (message.toolCalls !== null && message.toolCalls.length > 0)) return null
  return { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: message.content }] }
}
