import { ValidationError, quote } from './errors.js'
import { messageOp, toolCallOp } from './hook-args.js'
import { now } from './ids.js'
import type { AssistantToolCall, JsonObject, JsonValue, Role } from './records.js'
import type { RecordOp, SessionKeyOp, SessionSeed, WriteOp } from './store.js'
import { checkName, checkSessionId, isWellFormed } from './validate.js'

/** A message appended by `editHistory`: validated as `aonUserMessage`/`aonAgentMessage`'s object form. */
export interface HistoryMessageAppend {
  readonly kind: 'message'
  readonly role: Role
  readonly content: string
  /** The record's id (default a fresh UUIDv7); an id the session holds after the removal is left as it is. */
  readonly id?: string | undefined
  readonly metadata?: JsonObject | undefined
  readonly runId?: string | undefined
  /** An assistant turn's requested tool calls (`role: 'assistant'` only). */
  readonly toolCalls?: readonly AssistantToolCall[] | undefined
  /** The store stamps the time. */
  readonly createdAt?: never
}

/** A tool call appended by `editHistory`: validated as `aonToolCall`'s object form (`arguments` default `{}`). */
export interface HistoryToolCallAppend {
  readonly kind: 'toolCall'
  readonly toolName: string
  readonly arguments?: JsonObject | undefined
  readonly result?: JsonValue | undefined
  readonly error?: string | null | undefined
  readonly durationMs?: number | null | undefined
  readonly toolCallId?: string | undefined
  readonly id?: string | undefined
  readonly metadata?: JsonObject | undefined
  readonly runId?: string | undefined
}

/** One record `editHistory` appends. */
export type HistoryAppend = HistoryMessageAppend | HistoryToolCallAppend

/** What `editHistory` does to a session's tail (see `HistoryEdit` in core/store.ts). */
export interface EditHistoryArgs {
  /** Keep messages and tool calls with seq <= afterSeq; remove the rest (0 removes all). */
  readonly afterSeq: number
  /** The session's greatest stored seq must equal it (null: none stored), else `HISTORY_CONFLICT` and nothing changes. */
  readonly expectLastSeq?: number | null | undefined
  /** Appended after the removal, in order. */
  readonly append: readonly HistoryAppend[]
}

/** What `editHistory` gave the appended records: their seqs, in order. */
export interface EditHistoryResult {
  readonly seqs: number[]
}

/** Options of `setSessionKey`. */
export interface SetSessionKeyOptions {
  /**
   * Compare-and-set: the current value must equal it (null: the key is absent), else nothing
   * changes and `setSessionKey` resolves to false. Undefined sets unconditionally.
   */
  readonly expect?: string | null | undefined
}

/** Most records one edit appends. */
export const MAX_APPEND = 10_000
/** Longest session key, in characters. */
export const MAX_SESSION_KEY_LENGTH = 255
/** Largest session key value, in UTF-8 bytes (64 KiB). */
export const MAX_SESSION_VALUE_BYTES = 64 * 1024

const ROLES: readonly Role[] = ['user', 'assistant', 'system', 'tool']

function checkSeqBound(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError('FIELD_INVALID', `${field} must be a non-negative integer, got ${quote(value)}`)
  }
  return value
}

function appendOp(sessionId: string, item: unknown, index: number): RecordOp {
  if (typeof item !== 'object' || item === null) throw new ValidationError('FIELD_INVALID', `append[${index}] must be an object with kind "message" or "toolCall", got ${quote(item)}`)
  const a = item as Partial<Record<string, unknown>>
  if (a['createdAt'] !== undefined) throw new ValidationError('FIELD_INVALID', `append[${index}].createdAt cannot be given: the store stamps the time`)
  if (a['kind'] === 'message') {
    const role = a['role'] as Role
    if (!ROLES.includes(role)) throw new ValidationError('FIELD_INVALID', `append[${index}].role must be one of ${ROLES.map((r) => `"${r}"`).join(', ')}, got ${quote(role)}`)
    if (role !== 'assistant' && a['toolCalls'] !== undefined && a['toolCalls'] !== null) {
      throw new ValidationError('FIELD_INVALID', `append[${index}].toolCalls is for assistant messages, got role ${quote(role)}`)
    }
    return messageOp(role, {
      sessionId, content: a['content'] as string, metadata: a['metadata'] as JsonObject | undefined, runId: a['runId'] as string | undefined,
      id: a['id'] as string | undefined, toolCalls: a['toolCalls'] as readonly AssistantToolCall[] | undefined,
    }) as RecordOp
  }
  if (a['kind'] === 'toolCall') {
    return toolCallOp({
      sessionId, toolName: a['toolName'] as string, arguments: (a['arguments'] ?? {}) as JsonObject, result: a['result'],
      error: a['error'] as string | null | undefined, durationMs: a['durationMs'] as number | null | undefined, toolCallId: a['toolCallId'] as string | undefined,
      id: a['id'] as string | undefined, metadata: a['metadata'] as JsonObject | undefined, runId: a['runId'] as string | undefined,
    }) as RecordOp
  }
  throw new ValidationError('FIELD_INVALID', `append[${index}].kind must be "message" or "toolCall", got ${quote(a['kind'])}`)
}

/**
 * The edit's session seed: created if absent, and its owners named as an appended record's
 * metadata names them (`user_id`, `agent_id`), as a hook would.
 */
function editSeed(sessionId: string, at: string, append: readonly RecordOp[]): SessionSeed {
  let userId: string | null = null
  let agentId: string | null = null
  for (const op of append) {
    userId ??= op.session.userId
    agentId ??= op.session.agentId
  }
  return { id: sessionId, userId, agentId, name: null, metadata: {}, at }
}

/**
 * Validates `editHistory`'s arguments into an `edit` write: each appended record exactly as
 * its hook would validate it; ids given twice refused. @throws ValidationError
 */
export function editOp(sessionId: unknown, args: EditHistoryArgs): Extract<WriteOp, { type: 'edit' }> {
  const id = checkSessionId(sessionId)
  if (typeof args !== 'object' || args === null) throw new ValidationError('FIELD_INVALID', `the edit must be an object { afterSeq, expectLastSeq?, append }, got ${quote(args)}`)
  const afterSeq = checkSeqBound('afterSeq', args.afterSeq)
  const expectLastSeq = args.expectLastSeq === undefined || args.expectLastSeq === null ? args.expectLastSeq : checkSeqBound('expectLastSeq', args.expectLastSeq)
  if (!Array.isArray(args.append) || args.append.length > MAX_APPEND) {
    throw new ValidationError('FIELD_INVALID', `append must be an array of at most ${MAX_APPEND} records, got ${quote(args.append)}`)
  }
  const append = args.append.map((item: unknown, i) => appendOp(id, item, i))
  const ids = new Set<string>()
  for (const [i, op] of append.entries()) {
    if (ids.has(op.record.id)) throw new ValidationError('FIELD_INVALID', `append[${i}].id repeats ${quote(op.record.id)}`)
    ids.add(op.record.id)
  }
  return { type: 'edit', session: editSeed(id, now(), append), edit: { afterSeq, expectLastSeq, append } }
}

/** The seqs an edit's appended records took, from its `WriteResult` entry (the first one's seq). */
export function editResult(op: Extract<WriteOp, { type: 'edit' }>, first: number): EditHistoryResult {
  return { seqs: op.edit.append.map((_, i) => first + i) }
}

/** A session key: a non-empty string of at most 255 characters. @throws ValidationError */
export function checkSessionKey(key: unknown): string {
  return checkName('key', key, false)
}

function checkValue(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('FIELD_INVALID', `${field} must be a string or null, got ${quote(value)}`)
  if (Buffer.byteLength(value, 'utf8') > MAX_SESSION_VALUE_BYTES) {
    throw new ValidationError('FIELD_INVALID', `${field} must be at most ${MAX_SESSION_VALUE_BYTES} bytes of UTF-8, got ${Buffer.byteLength(value, 'utf8')}`)
  }
  if (!isWellFormed(value)) {
    throw new ValidationError('FIELD_INVALID', `${field} must be well-formed Unicode (it has a lone surrogate)`)
  }
  return value
}

/** Validates `setSessionKey`'s arguments into a `sessionKey` write. @throws ValidationError */
export function sessionKeyOp(sessionId: unknown, key: unknown, value: unknown, options: SetSessionKeyOptions = {}): SessionKeyOp {
  const id = checkSessionId(sessionId)
  const name = checkSessionKey(key)
  const checked = value === null ? null : checkValue('value', value)
  if (typeof options !== 'object' || options === null) throw new ValidationError('FIELD_INVALID', `options must be an object { expect? }, got ${quote(options)}`)
  const expect = options.expect === undefined || options.expect === null ? options.expect : checkValue('expect', options.expect)
  return { type: 'sessionKey', session: { id, userId: null, agentId: null, name: null, metadata: {}, at: now() }, key: name, value: checked, expect }
}
