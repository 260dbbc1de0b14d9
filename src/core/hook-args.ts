import { ValidationError, quote } from './errors.js'
import { newId, now } from './ids.js'
import type { AssistantToolCall, JsonObject, JsonValue, Role } from './records.js'
import type { SessionSeed, WriteOp } from './store.js'
import {
  checkContent, checkJson, checkJsonObject, checkName, checkOptionalName, checkSessionId,
} from './validate.js'

/** Object form of `aonAgentStart` / `aonAgentEnd` (the seed's keyword arguments). */
export interface AgentEventArgs {
  readonly sessionId: string
  readonly name: string
  readonly agentId?: string | undefined
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined
  /** Start only: the user the session belongs to (kept on the session). */
  readonly userId?: string | null | undefined
}

/** Object form of `aonUserMessage` / `aonAgentMessage`. */
export interface MessageArgs {
  readonly sessionId: string
  readonly content: string
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined
  readonly runId?: string | null | undefined
  /**
   * The record's id (at most 255 characters; default a fresh UUIDv7): a caller that retries a
   * hook after a timeout passes the same id, and the retry adds nothing — the first write stands.
   */
  readonly id?: string | undefined
  /** `aonAgentMessage` only: the tool calls this assistant turn asked for (kept for `getHistory`). */
  readonly toolCalls?: readonly AssistantToolCall[] | null | undefined
}

/** Object form of `aonToolCall`, with the seed's names (`arguments`, `result`). */
export interface ToolCallArgs {
  readonly sessionId: string
  readonly toolName: string
  readonly arguments: Readonly<Record<string, unknown>>
  readonly result?: unknown
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined
  readonly error?: string | null | undefined
  readonly durationMs?: number | null | undefined
  readonly runId?: string | null | undefined
  /** The record's id, as in `MessageArgs.id`: a retried hook with the same id adds nothing. */
  readonly id?: string | undefined
  /** The provider's id of the call, pairing it with the assistant turn that asked for it. */
  readonly toolCallId?: string | null | undefined
}

/** True when a hook was called with one object rather than positional arguments. */
export function isObjectForm(first: unknown): first is object {
  return typeof first === 'object' && first !== null
}

/** The metadata of a seed that brings none; stores only read a seed's metadata, so one frozen object serves every write. */
const NO_METADATA: JsonObject = Object.freeze({})

function seed(sessionId: string, at: string, fields?: Partial<Pick<SessionSeed, 'userId' | 'agentId' | 'name' | 'metadata'>>): SessionSeed {
  return { id: sessionId, userId: fields?.userId ?? null, agentId: fields?.agentId ?? null, name: fields?.name ?? null, metadata: fields?.metadata ?? NO_METADATA, at }
}

/** A caller's id for a record (an idempotency key), or a fresh UUIDv7. */
function recordId(given: unknown): string {
  return given === undefined ? newId() : checkName('id', given, false)
}

const MAX_OWNER_LENGTH = 255

/**
 * The session's user or agent as metadata names it (`user_id` or `userId`; `agent_id` or
 * `agentId`): the seed's quick start passes `metadata={"user_id": …}` and expects the session
 * to be the user's. Only a non-empty string of at most 255 characters counts; anything else
 * stays plain metadata.
 */
function ownerIn(metadata: JsonObject, snake: string, camel: string): string | null {
  const value = metadata[snake] ?? metadata[camel]
  return typeof value === 'string' && value !== '' && value.length <= MAX_OWNER_LENGTH ? value : null
}

/** A message's or tool call's session seed, naming its owners when the metadata does. */
function recordSeed(sessionId: string, at: string, metadata: JsonObject): SessionSeed {
  const userId = ownerIn(metadata, 'user_id', 'userId')
  const agentId = ownerIn(metadata, 'agent_id', 'agentId')
  return userId === null && agentId === null ? seed(sessionId, at) : seed(sessionId, at, { userId, agentId })
}

/** Validates a message hook's arguments into a write. @throws ValidationError */
export function messageOp(role: Role, args: MessageArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const content = checkContent(args.content)
  const metadata = checkJsonObject('metadata', args.metadata)
  const runId = checkOptionalName('runId', args.runId)
  const toolCalls = role === 'assistant' ? checkAssistantToolCalls(args.toolCalls) : null
  const at = now()
  return { type: 'message', session: recordSeed(sessionId, at, metadata), record: { id: recordId(args.id), sessionId, role, content, metadata, createdAt: at, runId, toolCalls } }
}

/** Validates a tool-call hook's arguments into a write. @throws ValidationError */
export function toolCallOp(args: ToolCallArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const toolName = checkName('toolName', args.toolName, false)
  const toolArguments = checkJsonObject('arguments', args.arguments) as JsonObject
  if (args.arguments === undefined || args.arguments === null) {
    throw new ValidationError('JSON_UNFAITHFUL', `arguments must be a plain object, got ${quote(args.arguments)}`)
  }
  const result: JsonValue = checkJson('result', args.result)
  const metadata = checkJsonObject('metadata', args.metadata)
  const error = args.error === undefined || args.error === null ? null : checkErrorText(args.error)
  const durationMs = args.durationMs === undefined || args.durationMs === null ? null : checkDuration(args.durationMs)
  const runId = checkOptionalName('runId', args.runId)
  const toolCallId = checkOptionalName('toolCallId', args.toolCallId)
  const at = now()
  return {
    type: 'toolCall',
    session: recordSeed(sessionId, at, metadata),
    record: { id: recordId(args.id), sessionId, toolName, arguments: toolArguments, result, error, durationMs, metadata, createdAt: at, runId, toolCallId },
  }
}

/** Validates an agent start or end into a write. @throws ValidationError */
export function agentStateOp(status: 'started' | 'ended', args: AgentEventArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const name = checkName('name', args.name, false)
  const agentId = args.agentId === undefined ? '' : checkName('agentId', args.agentId, true)
  const metadata = checkJsonObject('metadata', args.metadata)
  const userId = checkOptionalName('userId', args.userId) ?? ownerIn(metadata, 'user_id', 'userId')
  const owningAgent = agentId === '' ? ownerIn(metadata, 'agent_id', 'agentId') : agentId
  const at = now()
  const started = status === 'started'
  return {
    type: 'agentState',
    session: seed(sessionId, at, started ? { userId, agentId: owningAgent, name, metadata } : { userId, agentId: owningAgent, name }),
    record: { sessionId, name, agentId, status, startedAt: at, endedAt: started ? null : at, metadata },
  }
}

function checkErrorText(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('FIELD_INVALID', `error must be a string, got ${quote(value)}`)
  return checkContent(value)
}

function checkDuration(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError('FIELD_INVALID', `durationMs must be a non-negative finite number, got ${quote(value)}`)
  }
  return value
}

const MAX_TOOL_CALLS = 1000

/** The tool calls of an assistant turn: ids unique, names short, arguments the model's JSON text. */
function checkAssistantToolCalls(value: unknown): readonly AssistantToolCall[] | null {
  if (value === undefined || value === null) return null
  if (!Array.isArray(value) || value.length > MAX_TOOL_CALLS) {
    throw new ValidationError('FIELD_INVALID', `toolCalls must be an array of at most ${MAX_TOOL_CALLS} { id, name, arguments }, got ${quote(value)}`)
  }
  const seen = new Set<string>()
  return value.map((call: unknown, i): AssistantToolCall => {
    if (typeof call !== 'object' || call === null) throw new ValidationError('FIELD_INVALID', `toolCalls[${i}] must be an object { id, name, arguments }, got ${quote(call)}`)
    const c = call as Record<string, unknown>
    const id = checkName(`toolCalls[${i}].id`, c['id'], false)
    if (seen.has(id)) throw new ValidationError('FIELD_INVALID', `toolCalls[${i}].id repeats ${quote(id)}`)
    seen.add(id)
    const name = checkName(`toolCalls[${i}].name`, c['name'], false)
    const args = c['arguments'] === undefined ? '{}' : c['arguments']
    if (typeof args !== 'string') throw new ValidationError('FIELD_INVALID', `toolCalls[${i}].arguments must be the JSON text the model wrote, got ${quote(args)}`)
    return { id, name, arguments: checkContent(args) }
  })
}
