import { defineTable } from './schema.js'

/*
 * The tables of every SQL store, each described once (the language and the rules for
 * migrations are in `schema.ts`). Column order is statement order: bind values follow it.
 */

/** A conversation. `last_seq` is the store's bookkeeping, not a field of `Session`: the last `seq` handed out. */
export const SESSIONS = defineTable({
  name: 'sessions',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'user_id', type: 'key', nullable: true },
    { name: 'agent_id', type: 'key', nullable: true },
    { name: 'name', type: 'label', nullable: true },
    { name: 'metadata', type: 'jsonObject' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp', nullable: true },
    { name: 'last_seq', type: 'integer', default: 0 },
  ],
  primaryKey: ['id'],
  // Listings go newest first by (created_at, id), optionally filtered by user or agent
  indexes: [
    { name: 'sessions_created', columns: ['created_at', 'id'], unique: false },
    { name: 'sessions_user', columns: ['user_id', 'created_at', 'id'], unique: false },
    { name: 'sessions_agent', columns: ['agent_id', 'created_at', 'id'], unique: false },
  ],
})

/** One message of a session, ordered by `seq`. */
export const MESSAGES = defineTable({
  name: 'messages',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'session_id', type: 'key' },
    { name: 'seq', type: 'integer' },
    { name: 'role', type: 'enum', values: ['user', 'assistant', 'system', 'tool'] },
    { name: 'content', type: 'text' },
    { name: 'metadata', type: 'jsonObject' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'run_id', type: 'label', nullable: true },
    // migration 2: an assistant turn's requested tool calls (JSON array), null for any other message
    { name: 'tool_calls', type: 'json', nullable: true },
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'messages_session_seq', columns: ['session_id', 'seq'], unique: true }],
})

/** One tool execution of a session; shares the session's `seq` with messages. */
export const TOOL_CALLS = defineTable({
  name: 'tool_calls',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'session_id', type: 'key' },
    { name: 'seq', type: 'integer' },
    { name: 'tool_name', type: 'label' },
    { name: 'arguments', type: 'jsonObject' },
    { name: 'result', type: 'json' },
    { name: 'error', type: 'text', nullable: true },
    { name: 'duration_ms', type: 'real', nullable: true },
    { name: 'metadata', type: 'jsonObject' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'run_id', type: 'label', nullable: true },
    // migration 2: the provider's id of the call
    { name: 'tool_call_id', type: 'label', nullable: true },
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'tool_calls_session_seq', columns: ['session_id', 'seq'], unique: true }],
})

/** The state of one agent (by name and agent id) in one session. */
export const AGENT_STATES = defineTable({
  name: 'agent_states',
  columns: [
    { name: 'session_id', type: 'key' },
    { name: 'name', type: 'key' },
    { name: 'agent_id', type: 'key' },
    { name: 'status', type: 'enum', values: ['started', 'ended'] },
    { name: 'started_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp', nullable: true },
    { name: 'metadata', type: 'jsonObject' },
  ],
  primaryKey: ['session_id', 'name', 'agent_id'],
  indexes: [],
})

/** One run of an agent in a session (migration 2). Run ids are the caller's; a run is found by id. */
export const RUNS = defineTable({
  name: 'runs',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'session_id', type: 'key' },
    { name: 'status', type: 'enum', values: ['running', 'completed', 'error', 'interrupted'] },
    { name: 'input', type: 'text' },
    { name: 'output', type: 'text', nullable: true },
    { name: 'metrics', type: 'jsonObject' },
    { name: 'metadata', type: 'jsonObject' },
    { name: 'started_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp', nullable: true },
  ],
  primaryKey: ['id'],
  // getRuns: a session's runs newest first by (started_at, id); deleteSession by session_id
  indexes: [{ name: 'runs_session', columns: ['session_id', 'started_at', 'id'], unique: false }],
})

/** A trace of a session's work (migration 2); its spans are in `spans`. */
export const TRACES = defineTable({
  name: 'traces',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'session_id', type: 'key' },
    { name: 'run_id', type: 'label', nullable: true },
    { name: 'user_id', type: 'key', nullable: true },
    { name: 'name', type: 'label' },
    { name: 'status', type: 'enum', values: ['running', 'ok', 'error'] },
    { name: 'metadata', type: 'jsonObject' },
    { name: 'started_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp', nullable: true },
  ],
  primaryKey: ['id'],
  // getTraces: newest first by (started_at, id), of a session or of a user
  indexes: [
    { name: 'traces_created', columns: ['started_at', 'id'], unique: false },
    { name: 'traces_session', columns: ['session_id', 'started_at', 'id'], unique: false },
    { name: 'traces_user', columns: ['user_id', 'started_at', 'id'], unique: false },
  ],
})

/** One timed step of a trace (migration 2); span ids are unique within their trace. */
export const SPANS = defineTable({
  name: 'spans',
  columns: [
    { name: 'id', type: 'key' },
    { name: 'trace_id', type: 'key' },
    { name: 'session_id', type: 'key' },
    { name: 'parent_span_id', type: 'key', nullable: true },
    { name: 'name', type: 'label' },
    { name: 'kind', type: 'label' },
    { name: 'status', type: 'enum', values: ['running', 'ok', 'error'] },
    { name: 'attributes', type: 'jsonObject' },
    { name: 'error', type: 'text', nullable: true },
    { name: 'started_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp', nullable: true },
  ],
  primaryKey: ['trace_id', 'id'],
  // A trace's spans are those of its id and session, in start order; deleteSession by session_id
  indexes: [{ name: 'spans_session_trace', columns: ['session_id', 'trace_id', 'started_at', 'id'], unique: false }],
})

/**
 * Small string values a session keeps under a name (migration 4), set and compare-and-set by
 * `setSessionKey` (an AI SDK chat's active stream id); deleted with the session.
 */
export const SESSION_KEYS = defineTable({
  name: 'session_keys',
  columns: [
    { name: 'session_id', type: 'key' },
    { name: 'name', type: 'key' },
    { name: 'value', type: 'text' },
    { name: 'updated_at', type: 'timestamp' },
  ],
  primaryKey: ['session_id', 'name'],
  indexes: [],
})

/** Every described table, in creation order. */
export const TABLES = [SESSIONS, MESSAGES, TOOL_CALLS, AGENT_STATES, RUNS, TRACES, SPANS, SESSION_KEYS] as const

/** The name of a described table. */
export type RecordTableName = (typeof TABLES)[number]['name']
