import { StoreError } from '../../core/errors.js'
import type { AgentState, JsonObject, Message, Run, RunStatus, Session, SessionKey, Span, SpanStatus, ToolCall, Trace } from '../../core/records.js'
import type { SessionBundle, SessionSeed, TraceRecord, WriteOp } from '../../core/store.js'
import { recordMember, spanMember, type RedisKeys } from './keys.js'

/** A nullable string as one script argument: '' for null, 'v' + the value otherwise. */
function nullable(value: string | null): string {
  return value === null ? '' : `v${value}`
}

/** The field of an agent state in its session's agent-state hash. */
function agentStateField(state: AgentState): string {
  return JSON.stringify([state.name, state.agentId])
}

/** A record's hash fields as the write script takes them: name, then the value ('' null, 'v' + value). */
type Fields = readonly (readonly [string, string | null])[]

/** What an end sets (`Phase` in core/store.ts): the end fields, and the details when it replaces them. */
function endFields(ends: readonly string[], details: string, replaceDetails: boolean): string[] {
  return replaceDetails ? [...ends, details] : [...ends]
}

/** The 'r' part of a run, trace or span write (see `WRITE_SCRIPT`). */
function phasedArgs(phase: 's' | 'e', key: string, fields: Fields, ends: readonly string[], zsets: readonly (readonly [string, string])[], sets: readonly (readonly [string, string])[]): string[] {
  return [
    phase, key,
    String(fields.length), ...fields.flatMap(([name, value]) => [name, nullable(value)]),
    String(ends.length), ...ends,
    String(zsets.length), ...zsets.flat(),
    String(sets.length), ...sets.flat(),
  ]
}

function runArgs(keys: RedisKeys, op: Extract<WriteOp, { type: 'run' }>): string[] {
  const r = op.record
  const fields: Fields = [
    ['id', r.id], ['sessionId', r.sessionId], ['status', r.status], ['input', r.input], ['output', r.output],
    ['metrics', JSON.stringify(r.metrics)], ['metadata', JSON.stringify(r.metadata)], ['startedAt', r.startedAt], ['endedAt', r.endedAt],
  ]
  const ends = endFields(['status', 'output', 'metrics', 'endedAt'], 'metadata', op.replaceDetails)
  return phasedArgs(op.phase === 'start' ? 's' : 'e', keys.run(r.sessionId, r.id), fields, ends, [[keys.runs(r.sessionId), recordMember(r.startedAt, r.id, r.sessionId)]], [])
}

function traceArgs(keys: RedisKeys, op: Extract<WriteOp, { type: 'trace' }>): string[] {
  const t = op.record
  const fields: Fields = [
    ['id', t.id], ['sessionId', t.sessionId], ['runId', t.runId], ['userId', t.userId], ['name', t.name], ['status', t.status],
    ['metadata', JSON.stringify(t.metadata)], ['startedAt', t.startedAt], ['endedAt', t.endedAt],
  ]
  const member = recordMember(t.startedAt, t.id, t.sessionId)
  const indexes: [string, string][] = [[keys.traces({ sessionId: t.sessionId }), member], [keys.traces('all'), member]]
  if (t.userId !== null) indexes.push([keys.traces({ userId: t.userId }), member])
  const ends = endFields(['status', 'endedAt'], 'metadata', op.replaceDetails)
  return phasedArgs(op.phase === 'start' ? 's' : 'e', keys.trace(t.sessionId, t.id), fields, ends, indexes, [])
}

function spanArgs(keys: RedisKeys, op: Extract<WriteOp, { type: 'span' }>): string[] {
  const s = op.record
  const fields: Fields = [
    ['id', s.id], ['traceId', s.traceId], ['sessionId', s.sessionId], ['parentSpanId', s.parentSpanId], ['name', s.name], ['kind', s.kind],
    ['status', s.status], ['attributes', JSON.stringify(s.attributes)], ['error', s.error], ['startedAt', s.startedAt], ['endedAt', s.endedAt],
  ]
  const ends = endFields(['status', 'error', 'endedAt'], 'attributes', op.replaceDetails)
  return phasedArgs(op.phase === 'start' ? 's' : 'e', keys.span(s.sessionId, s.traceId, s.id), fields, ends,
    [[keys.spans(s.sessionId, s.traceId), spanMember(s.startedAt, s.id)]], [[keys.spanTraces(s.sessionId), s.traceId]])
}

/** A message's JSON without its seq (the member is this with `"seq"` spliced in front). */
const messageBody = (r: Omit<Message, 'seq'>): string =>
  JSON.stringify({ id: r.id, sessionId: r.sessionId, role: r.role, content: r.content, metadata: r.metadata, createdAt: r.createdAt, runId: r.runId, toolCalls: r.toolCalls })

/** A tool call's JSON without its seq. */
const toolCallBody = (r: Omit<ToolCall, 'seq'>): string => JSON.stringify({
  id: r.id, sessionId: r.sessionId, toolName: r.toolName, arguments: r.arguments, result: r.result,
  error: r.error, durationMs: r.durationMs, metadata: r.metadata, createdAt: r.createdAt, runId: r.runId, toolCallId: r.toolCallId,
})

/** An agent state's JSON without its start time (the stored value is this with `"startedAt"` spliced in front). */
const agentStateRest = (r: AgentState): string =>
  JSON.stringify({ sessionId: r.sessionId, name: r.name, agentId: r.agentId, status: r.status, endedAt: r.endedAt, metadata: r.metadata })

/** `{"<name>":<value>,` in front of an object's JSON, as the write script splices it. */
const spliced = (name: string, value: string, body: string): string => `{"${name}":${value},${body.slice(1)}`

/** The entries of one op after its kind and session (see `WRITE_SCRIPT`). */
function opArgs(keys: RedisKeys, op: WriteOp): [string, ...string[]] {
  switch (op.type) {
    case 'message': return ['m', op.record.id, messageBody(op.record), '', '', '']
    case 'toolCall': return ['t', op.record.id, toolCallBody(op.record), '', '', '']
    case 'agentState': {
      const r = op.record
      return ['a', agentStateField(r), agentStateRest(r), JSON.stringify(r.startedAt), r.status, nullable(r.endedAt)]
    }
    case 'run': return ['r', ...runArgs(keys, op)]
    case 'trace': return ['r', ...traceArgs(keys, op)]
    case 'span': return ['r', ...spanArgs(keys, op)]
    case 'edit': {
      const { afterSeq, expectLastSeq, append } = op.edit
      const expected = expectLastSeq === undefined ? '' : expectLastSeq === null ? 'n' : `v${expectLastSeq}`
      const records = append.flatMap((a) => (a.type === 'message' ? ['m', a.record.id, messageBody(a.record)] : ['t', a.record.id, toolCallBody(a.record)]))
      return ['e', String(afterSeq), expected, String(append.length), ...records]
    }
    case 'sessionKey': return ['k', op.key, nullable(op.value), op.expect === undefined ? '' : op.expect === null ? 'n' : `v${op.expect}`]
  }
}

/**
 * One write op as `WRITE_SCRIPT` arguments: its length, kind, session and record. Message and
 * tool call bodies are JSON built here; the script only splices `"seq"` or `"startedAt"` in
 * front, so values reach Redis and come back byte for byte. Runs, traces and spans are hashes
 * of their fields, so the script merges an end into a start without parsing JSON.
 */
export function encodeOp(keys: RedisKeys, op: WriteOp): string[] {
  const s = op.session
  const [kind, ...record] = opArgs(keys, op)
  const args = [kind, s.id, nullable(s.userId), nullable(s.agentId), nullable(s.name), JSON.stringify(s.metadata), s.at, ...record]
  return [String(args.length), ...args]
}

/** A session and its records as `IMPORT_SCRIPT` arguments (after the prefix). */
export function importArgs(keys: RedisKeys, bundle: SessionBundle): string[] {
  const s = bundle.session
  const fields: [string, string][] = [['id', s.id], ['metadata', JSON.stringify(s.metadata)], ['createdAt', s.createdAt], ['updatedAt', s.updatedAt], ['lastSeq', '0']]
  if (s.name !== null) fields.push(['name', s.name])
  if (s.userId !== null) fields.push(['userId', s.userId])
  if (s.agentId !== null) fields.push(['agentId', s.agentId])
  if (s.endedAt !== null) fields.push(['endedAt', s.endedAt])
  const records = [
    ...bundle.messages.map((m) => ['m', m.id, String(m.seq), spliced('seq', String(m.seq), messageBody(m))]),
    ...bundle.toolCalls.map((t) => ['t', t.id, String(t.seq), spliced('seq', String(t.seq), toolCallBody(t))]),
  ]
  const states = bundle.agentStates.map((a) => [agentStateField(a), spliced('startedAt', JSON.stringify(a.startedAt), agentStateRest(a))])
  // the session exists by then: the ops' seed only names it (no fields to fill) and the time the script restores
  const seed: SessionSeed = { id: s.id, userId: null, agentId: null, name: null, metadata: s.metadata, at: s.updatedAt }
  const starts: WriteOp[] = [
    ...bundle.runs.map((record): WriteOp => ({ type: 'run', session: seed, phase: 'start', replaceDetails: false, record })),
    ...bundle.traces.map((record): WriteOp => ({ type: 'trace', session: seed, phase: 'start', replaceDetails: false, record })),
    ...bundle.spans.map((record): WriteOp => ({ type: 'span', session: seed, phase: 'start', replaceDetails: false, record })),
  ]
  return [
    s.id, String(fields.length), ...fields.flat(), String(records.length), ...records.flat(), String(states.length), ...states.flat(),
    String(bundle.sessionKeys.length), ...bundle.sessionKeys.flatMap((k) => [k.name, k.value, k.updatedAt]),
    ...starts.flatMap((op) => encodeOp(keys, op)),
  ]
}

/** Parses JSON this store wrote. @throws StoreError `STORE_FAILED` when a key holds something else. */
export function parseStored<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T
  } catch (error) {
    throw new StoreError('STORE_FAILED', `${where} holds a value this store did not write (is another program using the key prefix?)`, { cause: error })
  }
}

function asStrings(reply: unknown, where: string): string[] {
  if (!Array.isArray(reply) || !reply.every((item): item is string => typeof item === 'string')) {
    throw new StoreError('STORE_FAILED', `${where} answered with an unexpected reply`)
  }
  return reply
}

/** A flat `[field, value, …]` HGETALL reply as a map. */
export function toFields(reply: unknown, where: string): Map<string, string> {
  const flat = asStrings(reply, where)
  const fields = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!)
  return fields
}

/** A session hash as a `Session`, or null when the hash is empty (no such session). */
export function toSession(fields: ReadonlyMap<string, string>, where: string): Session | null {
  const id = fields.get('id')
  const createdAt = fields.get('createdAt')
  const updatedAt = fields.get('updatedAt')
  const metadata = fields.get('metadata')
  if (id === undefined || createdAt === undefined || updatedAt === undefined || metadata === undefined) {
    if (fields.size === 0) return null
    throw new StoreError('STORE_FAILED', `${where} holds a session hash this store did not write`)
  }
  return {
    id,
    userId: fields.get('userId') ?? null,
    agentId: fields.get('agentId') ?? null,
    name: fields.get('name') ?? null,
    metadata: parseStored<JsonObject>(metadata, where),
    createdAt,
    updatedAt,
    endedAt: fields.get('endedAt') ?? null,
  }
}

/** Sorted-set members (message JSON) as messages; one written before `toolCalls` existed has none (null). */
export function toMessages(reply: unknown, where: string): Message[] {
  return asStrings(reply, where).map((member) => {
    const message = parseStored<Message>(member, where)
    return message.toolCalls === undefined ? { ...message, toolCalls: null } : message
  })
}

/** Sorted-set members (tool call JSON) as tool calls; one written before `toolCallId` existed has none (null). */
export function toToolCalls(reply: unknown, where: string): ToolCall[] {
  return asStrings(reply, where).map((member) => {
    const call = parseStored<ToolCall>(member, where)
    return call.toolCallId === undefined ? { ...call, toolCallId: null } : call
  })
}

/** A field of a record hash, which the write script always sets. @throws StoreError `STORE_FAILED` when absent. */
function required(fields: ReadonlyMap<string, string>, name: string, where: string): string {
  const value = fields.get(name)
  if (value === undefined) throw new StoreError('STORE_FAILED', `${where} holds a record hash without ${name}, which this store did not write`)
  return value
}

/** A run hash as a `Run`. */
export function toRun(reply: unknown, where: string): Run {
  const f = toFields(reply, where)
  return {
    id: required(f, 'id', where),
    sessionId: required(f, 'sessionId', where),
    status: required(f, 'status', where) as RunStatus,
    input: required(f, 'input', where),
    output: f.get('output') ?? null,
    metrics: parseStored<JsonObject>(required(f, 'metrics', where), where),
    metadata: parseStored<JsonObject>(required(f, 'metadata', where), where),
    startedAt: required(f, 'startedAt', where),
    endedAt: f.get('endedAt') ?? null,
  }
}

function toTraceRecord(reply: unknown, where: string): TraceRecord {
  const f = toFields(reply, where)
  return {
    id: required(f, 'id', where),
    sessionId: required(f, 'sessionId', where),
    runId: f.get('runId') ?? null,
    userId: f.get('userId') ?? null,
    name: required(f, 'name', where),
    status: required(f, 'status', where) as SpanStatus,
    metadata: parseStored<JsonObject>(required(f, 'metadata', where), where),
    startedAt: required(f, 'startedAt', where),
    endedAt: f.get('endedAt') ?? null,
  }
}

function toSpan(reply: unknown, where: string): Span {
  const f = toFields(reply, where)
  return {
    id: required(f, 'id', where),
    traceId: required(f, 'traceId', where),
    sessionId: required(f, 'sessionId', where),
    parentSpanId: f.get('parentSpanId') ?? null,
    name: required(f, 'name', where),
    kind: required(f, 'kind', where),
    status: required(f, 'status', where) as SpanStatus,
    attributes: parseStored<JsonObject>(required(f, 'attributes', where), where),
    error: f.get('error') ?? null,
    startedAt: required(f, 'startedAt', where),
    endedAt: f.get('endedAt') ?? null,
  }
}

/** One entry of the traces script's reply (the trace's hash, then its spans' hashes) as a `Trace`. */
export function toTrace(reply: unknown, where: string): Trace {
  if (!Array.isArray(reply) || reply.length === 0) throw new StoreError('STORE_FAILED', `${where} answered a traces read with an unexpected reply`)
  const [trace, ...spans] = reply as unknown[]
  return { ...toTraceRecord(trace, where), spans: spans.map((span) => toSpan(span, where)) }
}

/** An agent-state hash as states, ordered like the SQL stores: by startedAt, name, agentId. */
export function toAgentStates(reply: unknown, where: string): AgentState[] {
  const states = [...toFields(reply, where).values()].map((value) => parseStored<AgentState>(value, where))
  const key = (s: AgentState): [string, string, string] => [s.startedAt, s.name, s.agentId]
  return states.sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
    return 0
  })
}

/** A session's keys from the HGETALL reply of its keys hash (`v<name>` the value, `t<name>` its time), by name. */
export function toSessionKeys(sessionId: string, reply: unknown, where: string): SessionKey[] {
  const fields = toFields(reply, where)
  const keys: SessionKey[] = []
  for (const [field, value] of fields) {
    if (!field.startsWith('v')) continue
    const name = field.slice(1)
    const updatedAt = fields.get(`t${name}`)
    if (updatedAt === undefined) throw new StoreError('STORE_FAILED', `${where} holds a session key without the time it was set`)
    keys.push({ sessionId, name, value, updatedAt })
  }
  return keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
