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

/**
 * A tool call as the model asked for it, kept on the assistant message that asked (the
 * provider's id, the function's name, its arguments as the JSON text the model wrote).
 */
export interface AssistantToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: string
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
  /** An assistant turn that asked for tools: the calls it asked for, in order; else null. */
  readonly toolCalls: readonly AssistantToolCall[] | null
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
  /** The provider's id of the call (`call_…`), pairing it with the assistant turn that asked; else null. */
  readonly toolCallId: string | null
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

/** A small value a session keeps under a name (`setSessionKey`): an AI SDK chat's active stream id, say. */
export interface SessionKey {
  readonly sessionId: string
  readonly name: string
  readonly value: string
  readonly updatedAt: string
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

/** How a run ended, or `running`. */
export type RunStatus = 'running' | 'completed' | 'error' | 'interrupted'

/** One run of an agent: a prompt in, an answer out (`aonRunStart` … `aonRunEnd`). */
export interface Run {
  readonly id: string
  readonly sessionId: string
  readonly status: RunStatus
  readonly input: string
  /** The answer (or the partial answer of an interrupted or failed run); null while running. */
  readonly output: string | null
  /** Token usage, durations, step counts: whatever the caller measured. */
  readonly metrics: JsonObject
  readonly metadata: JsonObject
  readonly startedAt: string
  readonly endedAt: string | null
}

/** How a trace or span ended, or `running`. */
export type SpanStatus = 'running' | 'ok' | 'error'

/** One timed step of a trace (a model call, a tool execution), possibly inside another. */
export interface Span {
  readonly id: string
  readonly traceId: string
  readonly sessionId: string
  readonly parentSpanId: string | null
  readonly name: string
  /** What the step is (`llm`, `tool`, `agent`, …). */
  readonly kind: string
  readonly status: SpanStatus
  readonly attributes: JsonObject
  readonly error: string | null
  readonly startedAt: string
  readonly endedAt: string | null
}

/** A trace of a session's work (one per run, for the Agent), with its spans. */
export interface Trace {
  readonly id: string
  readonly sessionId: string
  readonly runId: string | null
  readonly userId: string | null
  readonly name: string
  readonly status: SpanStatus
  readonly metadata: JsonObject
  readonly startedAt: string
  readonly endedAt: string | null
  /** In start order. */
  readonly spans: readonly Span[]
}

/** `getRuns`: the newest `limit` runs. */
export interface RunQuery {
  readonly limit?: number | undefined
}

/** `getTraces`: filters, newest first. */
export interface TraceQuery {
  readonly sessionId?: string | undefined
  readonly userId?: string | undefined
  readonly limit?: number | undefined
}

/** `getHistory`: `limit` counts whole turns (a user message and everything up to the next one). */
export interface ChatHistoryQuery {
  readonly limit?: number | undefined
}

/** A function call in OpenAI Chat Completions form. */
export interface ChatToolCall {
  readonly id: string
  readonly type: 'function'
  readonly function: { readonly name: string; readonly arguments: string }
}

/** A message in OpenAI Chat Completions form, as `getHistory` gives it. */
export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly ChatToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string }

/** `searchMessages`: words to find in message content, best match first, a page at a time. */
export interface SearchQuery {
  readonly query: string
  readonly userId?: string | undefined
  readonly agentId?: string | undefined
  readonly sessionId?: string | undefined
  readonly limit?: number | undefined
  readonly cursor?: string | null | undefined
}

/** One message that matched a search, with where it is: its session and `seq`. */
export interface SearchHit {
  readonly sessionId: string
  readonly seq: number
  readonly message: Message
}

/**
 * `pruneSessions`: which sessions to delete. A session is pruned when it meets every condition
 * given (at least one of `endedBefore` and `inactiveSince`): ended before `endedBefore`, last
 * written before `inactiveSince`, owned by `userId`. Times as a `Date` or an ISO-8601 string.
 */
export interface PruneQuery {
  readonly endedBefore?: Date | string | undefined
  readonly inactiveSince?: Date | string | undefined
  readonly userId?: string | undefined
  /** Report what would be removed, remove nothing. */
  readonly dryRun?: boolean | undefined
}

/** What `pruneSessions` removed (or, with `dryRun`, would remove). */
export interface PruneResult {
  readonly dryRun: boolean
  readonly sessions: readonly Session[]
}

/** `exportSessions`: which sessions (every one when nothing is given). */
export interface ExportQuery {
  readonly sessionIds?: readonly string[] | undefined
  readonly userId?: string | undefined
  /** Sessions written (`updatedAt`) at or after this time. */
  readonly since?: Date | string | undefined
}

/**
 * One line of an export (JSON Lines on disk): the first is the header, then each session
 * followed by everything that belongs to it. Each record says its kind (a span's own kind is `spanKind`).
 */
export type ExportRecord =
  | { readonly kind: 'header'; readonly format: 'agentdb-export'; readonly version: 1 }
  | ({ readonly kind: 'session' } & Session)
  | ({ readonly kind: 'message' } & Message)
  | ({ readonly kind: 'toolCall' } & ToolCall)
  | ({ readonly kind: 'agentState' } & AgentState)
  | ({ readonly kind: 'run' } & Run)
  | ({ readonly kind: 'trace' } & Omit<Trace, 'spans'>)
  /** A span's own `kind` (`llm`, `tool`, …) goes as `spanKind`: `kind` names the record. */
  | ({ readonly kind: 'span'; readonly spanKind: string } & Omit<Span, 'kind'>)
  | ({ readonly kind: 'sessionKey' } & SessionKey)

/** What `importRecords` did: sessions seen, and records added (a record already stored is not). */
export interface ImportResult {
  readonly sessions: number
  readonly added: number
  readonly skipped: number
}

/** How many records a store holds, by kind (`stats`). */
export interface StoreStats {
  readonly sessions: number
  readonly messages: number
  readonly toolCalls: number
  readonly agentStates: number
  readonly runs: number
  readonly traces: number
  readonly spans: number
  /** The oldest `createdAt` and newest `updatedAt` of any session; null without sessions. */
  readonly oldestSession: string | null
  readonly newestActivity: string | null
}
