import type {
  AgentState, AgentStatus, JsonObject, JsonValue, Message, Role, Run, RunStatus, Session, SessionKey, Span, SpanStatus, ToolCall,
} from '../../core/records.js'
import type { NewMessage, NewToolCall, SessionSeed, TraceRecord } from '../../core/store.js'
import type { Dialect } from './dialect.js'
import type { ColumnName, FieldsOf, TableDescription } from './schema.js'
import type { AGENT_STATES, MESSAGES, RUNS, SESSION_KEYS, SESSIONS, SPANS, TOOL_CALLS, TRACES } from './tables.js'

/*
 * Rows ↔ records, the one place where snake_case columns meet camelCase fields. Each mapping is
 * written out as object and array literals, the fastest shape for V8 (a loop over the
 * description cost about 0.3 µs more per row written and 0.5 µs per row read on SQLite), and is
 * held to the description twice: by the compiler (a row's column names, the record's fields
 * and types, the number of bind values) and by test/sql/rows.test.ts, which checks every
 * mapping against one derived from the description, column by column and conversion by
 * conversion (key/label/text via toText/fromText, json via toJson/fromJson, timestamp via
 * toTime/fromTime, integers and enums as they are).
 */

/** A row as a driver returns it. The `toX` functions take rows a SELECT of their table's columns returned. */
export type Row = Readonly<Record<string, unknown>>

/** A row of table `T`: naming a column `T` does not have does not compile. */
export type RowOf<T extends TableDescription> = { readonly [C in ColumnName<T>]: unknown }

/** The bind values of a row of `T`, one per column in the description's order. */
export type ParamsOf<T extends TableDescription> = T extends TableDescription<string, infer Columns> ? { -readonly [I in keyof Columns]: unknown } : never

type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false
type Assert<T extends true> = T
/** An assistant turn's tool calls as the JSON the `tool_calls` column holds (the record type is an interface, not a JSON type). */
type ToolCallsJson = { readonly [K in keyof NonNullable<Message['toolCalls']>[number]]: NonNullable<Message['toolCalls']>[number][K] }[] | null
/** Compile-time proof that each table's fields are exactly its record type: a drift fails `tsc`. */
export type TablesMatchRecords = [
  Assert<Same<Omit<FieldsOf<typeof SESSIONS>, 'lastSeq'>, Session>>,
  Assert<Same<Omit<FieldsOf<typeof MESSAGES>, 'toolCalls'>, Omit<Message, 'toolCalls'>>>,
  Assert<ToolCallsJson extends FieldsOf<typeof MESSAGES>['toolCalls'] ? true : false>,
  Assert<Same<FieldsOf<typeof TOOL_CALLS>, ToolCall>>,
  Assert<Same<FieldsOf<typeof AGENT_STATES>, AgentState>>,
  Assert<Same<FieldsOf<typeof RUNS>, Run>>,
  Assert<Same<FieldsOf<typeof TRACES>, TraceRecord>>,
  Assert<Same<FieldsOf<typeof SPANS>, Span>>,
  Assert<Same<FieldsOf<typeof SESSION_KEYS>, SessionKey>>,
]

const optionalText = (d: Dialect, value: unknown): string | null => (value === null || value === undefined ? null : d.fromText(value))
const optionalTime = (d: Dialect, value: unknown): string | null => (value === null || value === undefined ? null : d.fromTime(value))
const optionalNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

/** A session row as `Session` (`last_seq` is the store's bookkeeping, not a field). */
export function toSession(d: Dialect, selected: Row): Session {
  const row = selected as RowOf<typeof SESSIONS>
  return {
    id: d.fromText(row.id),
    userId: optionalText(d, row.user_id),
    agentId: optionalText(d, row.agent_id),
    name: optionalText(d, row.name),
    metadata: d.fromJson(row.metadata) as JsonObject,
    createdAt: d.fromTime(row.created_at),
    updatedAt: d.fromTime(row.updated_at),
    endedAt: optionalTime(d, row.ended_at),
  }
}

export function toMessage(d: Dialect, selected: Row): Message {
  const row = selected as RowOf<typeof MESSAGES>
  return {
    id: d.fromText(row.id),
    sessionId: d.fromText(row.session_id),
    seq: Number(row.seq),
    role: String(row.role) as Role,
    content: d.fromText(row.content),
    metadata: d.fromJson(row.metadata) as JsonObject,
    createdAt: d.fromTime(row.created_at),
    runId: optionalText(d, row.run_id),
    toolCalls: row.tool_calls === null || row.tool_calls === undefined ? null : d.fromJson(row.tool_calls) as unknown as Message['toolCalls'],
  }
}

export function toToolCall(d: Dialect, selected: Row): ToolCall {
  const row = selected as RowOf<typeof TOOL_CALLS>
  return {
    id: d.fromText(row.id),
    sessionId: d.fromText(row.session_id),
    seq: Number(row.seq),
    toolName: d.fromText(row.tool_name),
    arguments: d.fromJson(row.arguments) as JsonObject,
    result: d.fromJson(row.result),
    error: optionalText(d, row.error),
    durationMs: optionalNumber(row.duration_ms),
    metadata: d.fromJson(row.metadata) as JsonObject,
    createdAt: d.fromTime(row.created_at),
    runId: optionalText(d, row.run_id),
    toolCallId: optionalText(d, row.tool_call_id),
  }
}

export function toAgentState(d: Dialect, selected: Row): AgentState {
  const row = selected as RowOf<typeof AGENT_STATES>
  return {
    sessionId: d.fromText(row.session_id),
    name: d.fromText(row.name),
    agentId: d.fromText(row.agent_id),
    status: String(row.status) as AgentStatus,
    startedAt: d.fromTime(row.started_at),
    endedAt: optionalTime(d, row.ended_at),
    metadata: d.fromJson(row.metadata) as JsonObject,
  }
}

export function toRun(d: Dialect, selected: Row): Run {
  const row = selected as RowOf<typeof RUNS>
  return {
    id: d.fromText(row.id),
    sessionId: d.fromText(row.session_id),
    status: String(row.status) as RunStatus,
    input: d.fromText(row.input),
    output: optionalText(d, row.output),
    metrics: d.fromJson(row.metrics) as JsonObject,
    metadata: d.fromJson(row.metadata) as JsonObject,
    startedAt: d.fromTime(row.started_at),
    endedAt: optionalTime(d, row.ended_at),
  }
}

/** A trace row, without its spans (read on their own). */
export function toTrace(d: Dialect, selected: Row): TraceRecord {
  const row = selected as RowOf<typeof TRACES>
  return {
    id: d.fromText(row.id),
    sessionId: d.fromText(row.session_id),
    runId: optionalText(d, row.run_id),
    userId: optionalText(d, row.user_id),
    name: d.fromText(row.name),
    status: String(row.status) as SpanStatus,
    metadata: d.fromJson(row.metadata) as JsonObject,
    startedAt: d.fromTime(row.started_at),
    endedAt: optionalTime(d, row.ended_at),
  }
}

export function toSpan(d: Dialect, selected: Row): Span {
  const row = selected as RowOf<typeof SPANS>
  return {
    id: d.fromText(row.id),
    traceId: d.fromText(row.trace_id),
    sessionId: d.fromText(row.session_id),
    parentSpanId: optionalText(d, row.parent_span_id),
    name: d.fromText(row.name),
    kind: d.fromText(row.kind),
    status: String(row.status) as SpanStatus,
    attributes: d.fromJson(row.attributes) as JsonObject,
    error: optionalText(d, row.error),
    startedAt: d.fromTime(row.started_at),
    endedAt: optionalTime(d, row.ended_at),
  }
}

export function toSessionKey(d: Dialect, selected: Row): SessionKey {
  const row = selected as RowOf<typeof SESSION_KEYS>
  return {
    sessionId: d.fromText(row.session_id),
    name: d.fromText(row.name),
    value: d.fromText(row.value),
    updatedAt: d.fromTime(row.updated_at),
  }
}

const textOrNull = (d: Dialect, value: string | null): unknown => (value === null ? null : d.toText(value))
const timeOrNull = (d: Dialect, value: string | null): unknown => (value === null ? null : d.toTime(value))

/** Bind values of a new session row; `seqCount` goes to `last_seq` (an upsert adds it to an existing row's). */
export function sessionParams(d: Dialect, seed: SessionSeed, seqCount: number): ParamsOf<typeof SESSIONS> {
  return [d.toText(seed.id), textOrNull(d, seed.userId), textOrNull(d, seed.agentId), textOrNull(d, seed.name), d.toJson(seed.metadata), d.toTime(seed.at), d.toTime(seed.at), null, seqCount]
}

/** Bind values of a whole session row as an import writes it, with its `last_seq`. */
export function wholeSessionParams(d: Dialect, s: Session, lastSeq: number): ParamsOf<typeof SESSIONS> {
  return [d.toText(s.id), textOrNull(d, s.userId), textOrNull(d, s.agentId), textOrNull(d, s.name), d.toJson(s.metadata), d.toTime(s.createdAt), d.toTime(s.updatedAt), timeOrNull(d, s.endedAt), lastSeq]
}

export function messageParams(d: Dialect, m: NewMessage, seq: number): ParamsOf<typeof MESSAGES> {
  return [d.toText(m.id), d.toText(m.sessionId), seq, m.role, d.toText(m.content), d.toJson(m.metadata), d.toTime(m.createdAt), textOrNull(d, m.runId), m.toolCalls === null ? null : d.toJson(m.toolCalls as unknown as JsonValue)]
}

export function toolCallParams(d: Dialect, t: NewToolCall, seq: number): ParamsOf<typeof TOOL_CALLS> {
  return [d.toText(t.id), d.toText(t.sessionId), seq, d.toText(t.toolName), d.toJson(t.arguments), d.toJson(t.result), textOrNull(d, t.error), t.durationMs, d.toJson(t.metadata), d.toTime(t.createdAt), textOrNull(d, t.runId), textOrNull(d, t.toolCallId)]
}

export function agentStateParams(d: Dialect, s: AgentState): ParamsOf<typeof AGENT_STATES> {
  return [d.toText(s.sessionId), d.toText(s.name), d.toText(s.agentId), s.status, d.toTime(s.startedAt), timeOrNull(d, s.endedAt), d.toJson(s.metadata)]
}

export function runParams(d: Dialect, r: Run): ParamsOf<typeof RUNS> {
  return [d.toText(r.id), d.toText(r.sessionId), r.status, d.toText(r.input), textOrNull(d, r.output), d.toJson(r.metrics), d.toJson(r.metadata), d.toTime(r.startedAt), timeOrNull(d, r.endedAt)]
}

export function traceParams(d: Dialect, t: TraceRecord): ParamsOf<typeof TRACES> {
  return [d.toText(t.id), d.toText(t.sessionId), textOrNull(d, t.runId), textOrNull(d, t.userId), d.toText(t.name), t.status, d.toJson(t.metadata), d.toTime(t.startedAt), timeOrNull(d, t.endedAt)]
}

export function spanParams(d: Dialect, s: Span): ParamsOf<typeof SPANS> {
  return [
    d.toText(s.id), d.toText(s.traceId), d.toText(s.sessionId), textOrNull(d, s.parentSpanId), d.toText(s.name), d.toText(s.kind), s.status,
    d.toJson(s.attributes), textOrNull(d, s.error), d.toTime(s.startedAt), timeOrNull(d, s.endedAt),
  ]
}

export function sessionKeyParams(d: Dialect, k: SessionKey): ParamsOf<typeof SESSION_KEYS> {
  return [d.toText(k.sessionId), d.toText(k.name), d.toText(k.value), d.toTime(k.updatedAt)]
}
