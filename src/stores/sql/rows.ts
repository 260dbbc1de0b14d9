import type { AgentState, AgentStatus, JsonObject, Message, Role, Session, ToolCall } from '../../core/records.js'
import type { NewMessage, NewToolCall, SessionSeed } from '../../core/store.js'
import type { Dialect } from './dialect.js'

/** A row as a driver returns it. Column names are snake_case; records are camelCase, mapped only here. */
export type Row = Readonly<Record<string, unknown>>

const optionalText = (d: Dialect, value: unknown): string | null => (value === null || value === undefined ? null : d.fromText(value))
const optionalTime = (d: Dialect, value: unknown): string | null => (value === null || value === undefined ? null : d.fromTime(value))

export function toSession(d: Dialect, row: Row): Session {
  return {
    id: d.fromText(row['id']),
    userId: optionalText(d, row['user_id']),
    agentId: optionalText(d, row['agent_id']),
    name: optionalText(d, row['name']),
    metadata: d.fromJson(row['metadata']) as JsonObject,
    createdAt: d.fromTime(row['created_at']),
    updatedAt: d.fromTime(row['updated_at']),
    endedAt: optionalTime(d, row['ended_at']),
  }
}

export function toMessage(d: Dialect, row: Row): Message {
  return {
    id: String(row['id']),
    sessionId: d.fromText(row['session_id']),
    seq: Number(row['seq']),
    role: String(row['role']) as Role,
    content: d.fromText(row['content']),
    metadata: d.fromJson(row['metadata']) as JsonObject,
    createdAt: d.fromTime(row['created_at']),
    runId: optionalText(d, row['run_id']),
  }
}

export function toToolCall(d: Dialect, row: Row): ToolCall {
  return {
    id: String(row['id']),
    sessionId: d.fromText(row['session_id']),
    seq: Number(row['seq']),
    toolName: d.fromText(row['tool_name']),
    arguments: d.fromJson(row['arguments']) as JsonObject,
    result: d.fromJson(row['result']),
    error: optionalText(d, row['error']),
    durationMs: row['duration_ms'] === null || row['duration_ms'] === undefined ? null : Number(row['duration_ms']),
    metadata: d.fromJson(row['metadata']) as JsonObject,
    createdAt: d.fromTime(row['created_at']),
    runId: optionalText(d, row['run_id']),
  }
}

export function toAgentState(d: Dialect, row: Row): AgentState {
  return {
    sessionId: d.fromText(row['session_id']),
    name: d.fromText(row['name']),
    agentId: d.fromText(row['agent_id']),
    status: String(row['status']) as AgentStatus,
    startedAt: d.fromTime(row['started_at']),
    endedAt: optionalTime(d, row['ended_at']),
    metadata: d.fromJson(row['metadata']) as JsonObject,
  }
}

const textOrNull = (d: Dialect, value: string | null): unknown => (value === null ? null : d.toText(value))

/** Bind values of a session row (in `SESSION_COLUMNS` order); `seqCount` goes to `last_seq`. */
export function sessionParams(d: Dialect, seed: SessionSeed, seqCount: number): unknown[] {
  return [d.toText(seed.id), textOrNull(d, seed.userId), textOrNull(d, seed.agentId), textOrNull(d, seed.name), d.toJson(seed.metadata), d.toTime(seed.at), d.toTime(seed.at), null, seqCount]
}

export function messageParams(d: Dialect, m: NewMessage, seq: number): unknown[] {
  return [m.id, d.toText(m.sessionId), seq, m.role, d.toText(m.content), d.toJson(m.metadata), d.toTime(m.createdAt), textOrNull(d, m.runId)]
}

export function toolCallParams(d: Dialect, t: NewToolCall, seq: number): unknown[] {
  return [t.id, d.toText(t.sessionId), seq, d.toText(t.toolName), d.toJson(t.arguments), d.toJson(t.result), textOrNull(d, t.error), t.durationMs, d.toJson(t.metadata), d.toTime(t.createdAt), textOrNull(d, t.runId)]
}

export function agentStateParams(d: Dialect, s: AgentState): unknown[] {
  return [d.toText(s.sessionId), d.toText(s.name), d.toText(s.agentId), s.status, d.toTime(s.startedAt), s.endedAt === null ? null : d.toTime(s.endedAt), d.toJson(s.metadata)]
}
