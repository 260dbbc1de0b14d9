import { AgentDBError, ValidationError, quote } from './errors.js'
import type {
  AgentState, AssistantToolCall, ExportRecord, Message, Run, RunStatus, Session, SessionKey, Span, SpanStatus, ToolCall, Trace,
} from './records.js'
import type { SessionBundle, TraceRecord } from './store.js'
import { MAX_SESSION_VALUE_BYTES } from './history-args.js'
import { checkContent, checkJson, checkJsonObject, checkName, checkSessionId, isWellFormed } from './validate.js'

// The export format (JSON Lines on disk): a header, then each session followed by its records,
// every record tagged with its kind. Reading it back validates each record before a session's
// records are handed to the store as one bundle.

/** The first record of every export. */
export const EXPORT_HEADER = { kind: 'header', format: 'agentdb-export', version: 1 } as const

type Traced = Omit<Trace, 'spans'>

/** A session's records in export order: the session, messages and tool calls by seq, agent states, runs, traces, spans, session keys. */
export function bundleRecords(bundle: SessionBundle): ExportRecord[] {
  return [
    { kind: 'session', ...bundle.session },
    ...bundle.messages.map((m): ExportRecord => ({ kind: 'message', ...m })),
    ...bundle.toolCalls.map((t): ExportRecord => ({ kind: 'toolCall', ...t })),
    ...bundle.agentStates.map((a): ExportRecord => ({ kind: 'agentState', ...a })),
    ...bundle.runs.map((r): ExportRecord => ({ kind: 'run', ...r })),
    ...bundle.traces.map((t): ExportRecord => ({ kind: 'trace', ...t })),
    ...bundle.spans.map(({ kind, ...s }): ExportRecord => ({ kind: 'span', spanKind: kind, ...s })),
    ...bundle.sessionKeys.map((k): ExportRecord => ({ kind: 'sessionKey', ...k })),
  ]
}

/** A bundle from what the reads give: traces carry their spans, which go out as records of their own. */
export function toBundle(
  session: Session, messages: readonly Message[], toolCalls: readonly ToolCall[], agentStates: readonly AgentState[], runs: readonly Run[], traces: readonly Trace[],
  sessionKeys: readonly SessionKey[],
): SessionBundle {
  const oldestFirst = <T extends { readonly startedAt: string; readonly id: string }>(a: T, b: T): number =>
    a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  return {
    session, messages, toolCalls,
    agentStates: [...agentStates].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0)),
    runs: [...runs].sort(oldestFirst),
    traces: [...traces].sort(oldestFirst).map(({ spans: _spans, ...trace }): TraceRecord => trace),
    spans: [...traces].sort(oldestFirst).flatMap((t) => t.spans),
    sessionKeys,
  }
}

// ---- validation ----------------------------------------------------------------------------

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ROLES = ['user', 'assistant', 'system', 'tool'] as const
const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'error', 'interrupted']
const SPAN_STATUSES: readonly SpanStatus[] = ['running', 'ok', 'error']

type Fields = Readonly<Record<string, unknown>>

function invalid(message: string): never {
  throw new ValidationError('FIELD_INVALID', message)
}

const time = (field: string, value: unknown): string => (typeof value === 'string' && ISO.test(value) && !Number.isNaN(Date.parse(value)) ? value : invalid(`${field} must be an ISO-8601 UTC time with milliseconds, got ${quote(value)}`))
const optionalTime = (field: string, value: unknown): string | null => (value === null ? null : time(field, value))
const text = (field: string, value: unknown): string => (typeof value === 'string' ? value : invalid(`${field} must be a string, got ${quote(value)}`))
const optionalText = (field: string, value: unknown): string | null => (value === null ? null : text(field, value))
const optionalName = (field: string, value: unknown): string | null => (value === null ? null : checkName(field, value, false))
const seqOf = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : invalid(`seq must be a positive integer, got ${quote(value)}`))
const oneOf = <T extends string>(field: string, values: readonly T[], value: unknown): T => (values.includes(value as T) ? value as T : invalid(`${field} must be one of ${values.join(', ')}, got ${quote(value)}`))

function assistantToolCalls(value: unknown): readonly AssistantToolCall[] | null {
  if (value === null) return null
  if (!Array.isArray(value)) invalid(`toolCalls must be an array or null, got ${quote(value)}`)
  return value.map((c: unknown): AssistantToolCall => {
    const f = (typeof c === 'object' && c !== null ? c : invalid('toolCalls holds a non-object')) as Fields
    return { id: checkName('toolCalls[].id', f['id'], false), name: checkName('toolCalls[].name', f['name'], false), arguments: text('toolCalls[].arguments', f['arguments']) }
  })
}

const session = (f: Fields): Session => ({
  id: checkSessionId(f['id']), userId: optionalName('userId', f['userId']), agentId: optionalName('agentId', f['agentId']), name: optionalName('name', f['name']),
  metadata: checkJsonObject('metadata', f['metadata']), createdAt: time('createdAt', f['createdAt']), updatedAt: time('updatedAt', f['updatedAt']),
  endedAt: optionalTime('endedAt', f['endedAt']),
})

const message = (f: Fields): Message => ({
  id: checkName('id', f['id'], false), sessionId: checkSessionId(f['sessionId']), seq: seqOf(f['seq']), role: oneOf('role', ROLES, f['role']),
  content: checkContent(f['content']), metadata: checkJsonObject('metadata', f['metadata']), createdAt: time('createdAt', f['createdAt']),
  runId: optionalName('runId', f['runId']), toolCalls: assistantToolCalls(f['toolCalls'] ?? null),
})

const toolCall = (f: Fields): ToolCall => ({
  id: checkName('id', f['id'], false), sessionId: checkSessionId(f['sessionId']), seq: seqOf(f['seq']), toolName: checkName('toolName', f['toolName'], false),
  arguments: checkJsonObject('arguments', f['arguments']), result: checkJson('result', f['result']), error: optionalText('error', f['error']),
  durationMs: f['durationMs'] === null ? null : typeof f['durationMs'] === 'number' && Number.isFinite(f['durationMs']) ? f['durationMs'] : invalid(`durationMs must be a number or null, got ${quote(f['durationMs'])}`),
  metadata: checkJsonObject('metadata', f['metadata']), createdAt: time('createdAt', f['createdAt']), runId: optionalName('runId', f['runId']),
  toolCallId: optionalName('toolCallId', f['toolCallId'] ?? null),
})

const agentState = (f: Fields): AgentState => ({
  sessionId: checkSessionId(f['sessionId']), name: checkName('name', f['name'], false), agentId: checkName('agentId', f['agentId'], true),
  status: oneOf('status', ['started', 'ended'] as const, f['status']), startedAt: time('startedAt', f['startedAt']), endedAt: optionalTime('endedAt', f['endedAt']),
  metadata: checkJsonObject('metadata', f['metadata']),
})

const run = (f: Fields): Run => ({
  id: checkName('id', f['id'], false), sessionId: checkSessionId(f['sessionId']), status: oneOf('status', RUN_STATUSES, f['status']), input: text('input', f['input']),
  output: optionalText('output', f['output']), metrics: checkJsonObject('metrics', f['metrics']), metadata: checkJsonObject('metadata', f['metadata']),
  startedAt: time('startedAt', f['startedAt']), endedAt: optionalTime('endedAt', f['endedAt']),
})

const trace = (f: Fields): Traced => ({
  id: checkName('id', f['id'], false), sessionId: checkSessionId(f['sessionId']), runId: optionalName('runId', f['runId']), userId: optionalName('userId', f['userId']),
  name: checkName('name', f['name'], false), status: oneOf('status', SPAN_STATUSES, f['status']), metadata: checkJsonObject('metadata', f['metadata']),
  startedAt: time('startedAt', f['startedAt']), endedAt: optionalTime('endedAt', f['endedAt']),
})

const span = (f: Fields): Span => ({
  id: checkName('id', f['id'], false), traceId: checkName('traceId', f['traceId'], false), sessionId: checkSessionId(f['sessionId']),
  parentSpanId: optionalName('parentSpanId', f['parentSpanId']), name: checkName('name', f['name'], false), kind: checkName('spanKind', f['spanKind'], false),
  status: oneOf('status', SPAN_STATUSES, f['status']), attributes: checkJsonObject('attributes', f['attributes']), error: optionalText('error', f['error']),
  startedAt: time('startedAt', f['startedAt']), endedAt: optionalTime('endedAt', f['endedAt']),
})

const sessionKey = (f: Fields): SessionKey => {
  const value = text('value', f['value'])
  if (Buffer.byteLength(value, 'utf8') > MAX_SESSION_VALUE_BYTES || !isWellFormed(value)) invalid(`value must be well-formed text of at most ${MAX_SESSION_VALUE_BYTES} bytes`)
  return { sessionId: checkSessionId(f['sessionId']), name: checkName('name', f['name'], false), value, updatedAt: time('updatedAt', f['updatedAt']) }
}

interface Building {
  session: Session
  messages: Message[]
  toolCalls: ToolCall[]
  agentStates: AgentState[]
  runs: Run[]
  traces: Traced[]
  spans: Span[]
  sessionKeys: SessionKey[]
  seqs: Set<number>
}

/**
 * Reads export records one at a time into session bundles. `push` returns the previous
 * session's bundle when a new session begins, `finish` the last one. A record that is not
 * valid throws `ValidationError` naming its position (1-based) and kind; the session it
 * belongs to is dropped (nothing of it has been handed out).
 */
export class BundleReader {
  #position = 0
  #current: Building | undefined

  push(value: unknown): SessionBundle | undefined {
    const position = ++this.#position
    try {
      return this.#take(value, position)
    } catch (error) {
      this.#current = undefined
      if (!(error instanceof AgentDBError)) throw error
      const kind = typeof value === 'object' && value !== null && typeof (value as Fields)['kind'] === 'string' ? ` (${String((value as Fields)['kind'])})` : ''
      throw new ValidationError(error.code, `record ${position}${kind}: ${error.message}; nothing of its session was imported`, { cause: error })
    }
  }

  finish(): SessionBundle | undefined {
    const done = this.#current
    this.#current = undefined
    return done === undefined ? undefined : bundleOf(done)
  }

  #take(value: unknown, position: number): SessionBundle | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`must be an object, got ${quote(value)}`)
    const f = value as Fields
    const kind = f['kind']
    if (kind === 'header') {
      if (position !== 1) invalid('a header may only come first')
      if (f['format'] !== EXPORT_HEADER.format || f['version'] !== EXPORT_HEADER.version) invalid(`not an agentdb export of version 1 (format ${quote(f['format'])}, version ${quote(f['version'])})`)
      return undefined
    }
    if (kind === 'session') {
      const done = this.finish()
      this.#current = { session: session(f), messages: [], toolCalls: [], agentStates: [], runs: [], traces: [], spans: [], sessionKeys: [], seqs: new Set() }
      return done
    }
    const current = this.#current
    if (current === undefined) invalid(`a ${quote(kind)} record must follow its session's record`)
    const owner = checkSessionId(f['sessionId'])
    if (owner !== current.session.id) invalid(`belongs to session ${quote(owner)} but follows session ${quote(current.session.id)}: a session's records must follow it`)
    const seq = (record: Message | ToolCall): void => {
      if (current.seqs.has(record.seq)) invalid(`seq ${record.seq} appears twice in session ${quote(current.session.id)}`)
      current.seqs.add(record.seq)
    }
    switch (kind) {
      case 'message': { const m = message(f); seq(m); current.messages.push(m); break }
      case 'toolCall': { const t = toolCall(f); seq(t); current.toolCalls.push(t); break }
      case 'agentState': current.agentStates.push(agentState(f)); break
      case 'run': current.runs.push(run(f)); break
      case 'trace': current.traces.push(trace(f)); break
      case 'span': current.spans.push(span(f)); break
      case 'sessionKey': current.sessionKeys.push(sessionKey(f)); break
      default: invalid(`kind must be one of header, session, message, toolCall, agentState, run, trace, span, sessionKey, got ${quote(kind)}`)
    }
    return undefined
  }
}

function bundleOf(b: Building): SessionBundle {
  return { session: b.session, messages: b.messages, toolCalls: b.toolCalls, agentStates: b.agentStates, runs: b.runs, traces: b.traces, spans: b.spans, sessionKeys: b.sessionKeys }
}

/** How many records a bundle holds (its session counts). */
export const bundleSize = (b: SessionBundle): number =>
  1 + b.messages.length + b.toolCalls.length + b.agentStates.length + b.runs.length + b.traces.length + b.spans.length + b.sessionKeys.length
