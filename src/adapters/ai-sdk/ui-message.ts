import { ValidationError } from '../../index.js'

/**
 * What agentdb reads of an AI SDK `UIMessage`. Structural, so the `UIMessage` of `ai` v6 and v7
 * (and your own typed `UIMessage<Metadata, DataParts, Tools>`) fit without a cast.
 */
export interface UIMessageLike {
  readonly id: string
  readonly role: 'system' | 'user' | 'assistant'
  readonly parts: readonly unknown[]
  readonly metadata?: unknown
}

/** A tool part of a message (`tool-<name>` or `dynamic-tool`) as the projection reads it. */
export interface ToolPart {
  readonly toolCallId: string
  readonly toolName: string
  readonly state: string
  readonly input: unknown
  readonly output: unknown
  readonly errorText: unknown
  readonly approval: unknown
}

/** A validated message of one `saveChat` call: its JSON text (stored verbatim) and what is projected of it. */
export interface PreparedMessage {
  readonly id: string
  readonly role: 'system' | 'user' | 'assistant'
  /** `JSON.stringify` of the message: what is stored, and what `loadChat` parses back. */
  readonly json: string
  /** The text of its text parts, in order. */
  readonly text: string
  readonly toolParts: readonly ToolPart[]
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant'])
const MAX_ID_LENGTH = 255
const MAX_SHOWN = 80

/** A value as an error message shows it: a short string quoted, anything else by its kind (never content). */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value)
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

function invalid(message: string): never {
  throw new ValidationError('FIELD_INVALID', message)
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A chat id: a non-empty string of at most 255 characters (it is the session id). */
export function checkChatId(chatId: unknown): string {
  if (typeof chatId !== 'string' || chatId.length === 0 || chatId.length > MAX_ID_LENGTH) {
    throw new ValidationError('SESSION_ID_INVALID', `chatId must be a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${shown(chatId)}`)
  }
  return chatId
}

/** A short identifying string (a message id, a tool call id, a stream id). */
export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    invalid(`${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${shown(value)}`)
  }
  return value
}

function toolPartOf(part: Readonly<Record<string, unknown>>, type: string, where: string): ToolPart | null {
  const dynamic = type === 'dynamic-tool'
  if (!dynamic && !type.startsWith('tool-')) return null
  const toolName = dynamic ? checkId(`${where}.toolName`, part['toolName']) : type.slice('tool-'.length)
  if (toolName === '') invalid(`${where}.type must name the tool after "tool-", got ${shown(type)}`)
  const state = part['state']
  if (typeof state !== 'string') invalid(`${where}.state must be a string, got ${shown(state)}`)
  return {
    toolCallId: checkId(`${where}.toolCallId`, part['toolCallId']),
    toolName, state, input: part['input'], output: part['output'], errorText: part['errorText'], approval: part['approval'],
  }
}

function serialize(message: object, where: string): string {
  try {
    return JSON.stringify(message)
  } catch (error) {
    // A cycle or a BigInt: JSON cannot hold the message, so nothing of it can be stored.
    throw new ValidationError('JSON_UNFAITHFUL', `${where} cannot be stored as JSON (${error instanceof Error ? error.message.split('\n')[0] : 'not serializable'})`, { cause: error })
  }
}

/** Validates one message; `where` names it in errors (`messages[2]`). @throws ValidationError */
function prepare(value: unknown, where: string): PreparedMessage {
  if (!isRecord(value)) invalid(`${where} must be a UIMessage object, got ${shown(value)}`)
  const id = checkId(`${where}.id`, value['id'])
  const role = value['role']
  if (typeof role !== 'string' || !ROLES.has(role)) invalid(`${where}.role must be "system", "user" or "assistant", got ${shown(role)}`)
  const parts = value['parts']
  if (!Array.isArray(parts)) invalid(`${where}.parts must be an array, got ${shown(parts)}`)
  const texts: string[] = []
  const toolParts: ToolPart[] = []
  const callIds = new Set<string>()
  parts.forEach((part: unknown, j) => {
    const at = `${where}.parts[${j}]`
    if (!isRecord(part) || typeof part['type'] !== 'string') invalid(`${at} must be an object with a string type, got ${shown(part)}`)
    const type = part['type']
    if (type === 'text' && typeof part['text'] === 'string') texts.push(part['text'])
    const tool = toolPartOf(part, type, at)
    if (tool === null) return
    if (callIds.has(tool.toolCallId)) invalid(`${at}.toolCallId repeats ${shown(tool.toolCallId)} within the message`)
    callIds.add(tool.toolCallId)
    toolParts.push(tool)
  })
  return { id, role: role as PreparedMessage['role'], json: serialize(value, where), text: texts.join('\n\n'), toolParts }
}

/**
 * Validates the messages of one `saveChat` call, all before anything is written: each a
 * UIMessage with a non-empty id, no id twice, a known role, parts that are objects with a type,
 * tool parts with a tool call id (unique within their message), JSON-serializable.
 * @throws ValidationError
 */
export function prepareMessages(messages: unknown): PreparedMessage[] {
  if (!Array.isArray(messages)) invalid(`messages must be an array of UIMessages, got ${shown(messages)}`)
  const seen = new Map<string, number>()
  return messages.map((message: unknown, i) => {
    const prepared = prepare(message, `messages[${i}]`)
    const first = seen.get(prepared.id)
    if (first !== undefined) invalid(`messages[${i}].id repeats ${shown(prepared.id)} (also messages[${first}])`)
    seen.set(prepared.id, i)
    return prepared
  })
}
