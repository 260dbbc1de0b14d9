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

/** Every described table, in creation order. */
export const TABLES = [SESSIONS, MESSAGES, TOOL_CALLS, AGENT_STATES] as const

/** The name of a described table. */
export type RecordTableName = (typeof TABLES)[number]['name']
