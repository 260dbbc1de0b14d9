/** A JSON value that survives a round trip through every store unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue }
/** Free-form metadata attached to a record; always a JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue }

/** Who wrote a message. */
export type Role = 'user' | 'assistant' | 'system' | 'tool'

/** A conversation. Created by the first hook that names it. Timestamps are ISO-8601 UTC strings. */
export interface Session {
  readonly id: string
  readonly userId: string | null
  readonly agentId: string | null
  readonly name: string | null
  readonly metadata: JsonObject
  readonly createdAt: string
  readonly updatedAt: string
  readonly endedAt: string | null
}

/** One message of a session; `seq` orders it among the session's messages and tool calls. */
export interface Message {
  readonly id: string
  readonly sessionId: string
  readonly seq: number
  readonly role: Role
  readonly content: string
  readonly metadata: JsonObject
  readonly createdAt: string
  readonly runId: string | null
}

/** One tool execution of a session; shares the session's `seq` with messages. */
export interface ToolCall {
  readonly id: string
  readonly sessionId: string
  readonly seq: number
  readonly toolName: string
  readonly arguments: JsonObject
  readonly result: JsonValue
  readonly error: string | null
  readonly durationMs: number | null
  readonly metadata: JsonObject
  readonly createdAt: string
  readonly runId: string | null
}

/** Whether an agent is running in a session. */
export type AgentStatus = 'started' | 'ended'

/** The state of one agent (by name and agent id) in one session. */
export interface AgentState {
  readonly sessionId: string
  readonly name: string
  readonly agentId: string
  readonly status: AgentStatus
  readonly startedAt: string
  readonly endedAt: string | null
  readonly metadata: JsonObject
}

/** An entry of a session's timeline: a message or a tool call, in `seq` order. */
export type TimelineItem =
  | { readonly kind: 'message'; readonly seq: number; readonly message: Message }
  | { readonly kind: 'toolCall'; readonly seq: number; readonly toolCall: ToolCall }

/** A setting value a store reports. */
export type SettingValue = string | number | boolean | null

/**
 * What a store runs with, read back from its connection (not from the options given): the
 * schema version its migrations reached and settings such as SQLite's `synchronous`.
 */
export interface StoreInfo {
  readonly backend: string
  /** The newest migration applied; null where a store has none (memory, user stores). */
  readonly schemaVersion: number | null
  readonly settings: Readonly<Record<string, SettingValue>>
}

/** One page of a listing; pass `nextCursor` back to get the next page (null: no more). */
export interface Page<T> {
  readonly items: readonly T[]
  readonly nextCursor: string | null
}

/** Filters and paging of `listSessions`. Sessions come newest first. */
export interface ListSessionsQuery {
  readonly userId?: string | undefined
  readonly agentId?: string | undefined
  readonly limit?: number | undefined
  readonly cursor?: string | null | undefined
}

/** Range of a history read. `limit` keeps the last N of the range, still in ascending `seq`. */
export interface HistoryQuery {
  readonly limit?: number | undefined
  readonly beforeSeq?: number | undefined
  readonly afterSeq?: number | undefined
}
