import type { AgentState, JsonObject, Message, Role, Session, AgentStatus, ToolCall } from '../../core/records.js'
import type { NewMessage, NewToolCall, SessionSeed } from '../../core/store.js'
import type { Dialect } from './dialect.js'
import type { ColumnName, FieldsOf, TableDescription } from './schema.js'
import type { AGENT_STATES, MESSAGES, SESSIONS, TOOL_CALLS } from './tables.js'

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
/** Compile-time proof that each table's fields are exactly its record type: a drift fails `tsc`. */
export type TablesMatchRecords = [
  Assert<Same<Omit<FieldsOf<typeof SESSIONS>, 'lastSeq'>, Session>>,
  Assert<Same<FieldsOf<typeof MESSAGES>, Message>>,
  Assert<Same<FieldsOf<typeof TOOL_CALLS>, ToolCall>>,
  Assert<Same<FieldsOf<typeof AGENT_STATES>, AgentState>>,
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

const textOrNull = (d: Dialect, value: string | null): unknown => (value === null ? null : d.toText(value))
const timeOrNull = (d: Dialect, value: string | null): unknown => (value === null ? null : d.toTime(value))

/** Bind values of a new session row; `seqCount` goes to `last_seq` (an upsert adds it to an existing row's). */
export function sessionParams(d: Dialect, seed: SessionSeed, seqCount: number): ParamsOf<typeof SESSIONS> {
  return [d.toText(seed.id), textOrNull(d, seed.userId), textOrNull(d, seed.agentId), textOrNull(d, seed.name), d.toJson(seed.metadata), d.toTime(seed.at), d.toTime(seed.at), null, seqCount]
}

export function messageParams(d: Dialect, m: NewMessage, seq: number): ParamsOf<typeof MESSAGES> {
  return [d.toText(m.id), d.toText(m.sessionId), seq, m.role, d.toText(m.content), d.toJson(m.metadata), d.toTime(m.createdAt), textOrNull(d, m.runId)]
}

export function toolCallParams(d: Dialect, t: NewToolCall, seq: number): ParamsOf<typeof TOOL_CALLS> {
  return [d.toText(t.id), d.toText(t.sessionId), seq, d.toText(t.toolName), d.toJson(t.arguments), d.toJson(t.result), textOrNull(d, t.error), t.durationMs, d.toJson(t.metadata), d.toTime(t.createdAt), textOrNull(d, t.runId)]
}

export function agentStateParams(d: Dialect, s: AgentState): ParamsOf<typeof AGENT_STATES> {
  return [d.toText(s.sessionId), d.toText(s.name), d.toText(s.agentId), s.status, d.toTime(s.startedAt), timeOrNull(d, s.endedAt), d.toJson(s.metadata)]
}
