// One job: the public facade `PraisonAIDB`: construction, user scopes, lifecycle, and the
// documented signature of every hook, read and operation. Their work lives in facade/ (hooks,
// reads, operations, edits), written once for each async/sync twin.
import { inspect } from 'node:util'
import { ConfigError, StoreError, quote } from './errors.js'
import { toolCallOp, type AgentEventArgs, type MessageArgs, type ToolCallArgs } from './hook-args.js'
import { type EditHistoryArgs, type EditHistoryResult, type SetSessionKeyOptions } from './history-args.js'
import { StoreModule } from './offload/threads.js'
import type {
  AgentState, ChatHistoryQuery, ChatMessage, ExportQuery, ExportRecord, HistoryQuery, ImportResult, ListSessionsQuery, Message, Page, PruneQuery,
  PruneResult, Run, RunQuery, SearchHit, SearchQuery, Session, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from './records.js'
import {
  runEndOp, runStartOp, spanEndOp, spanStartOp, traceEndOp, traceStartOp,
  type RunEndArgs, type RunStartArgs, type SpanEndArgs, type SpanStartArgs, type TraceEndArgs, type TraceStartArgs,
} from './run-args.js'
import { StoreRuntime } from './runtime.js'
import { UserScopeAccess, checkUserId, type SessionAccess } from './user-scope.js'
import type { SpoolOptions, SpoolStatus } from './spool/spool-file.js'
import { readSpoolOption } from './spool/spool-option.js'
import type { Backend } from './store.js'
import { resolveTarget, type Target } from './targets.js'
import type { StoreOptionsFor } from '../stores/registry.js'
import * as edits from './facade/edits.js'
import {
  agentArgs, agentEndOp, agentMessageOp, messageArgs, queued, runEndArgs, runStartArgs, startAgent, startAgentSync, toolArgs, userMessageOp,
} from './facade/hooks.js'
import * as operations from './facade/operations.js'
import { rejecting } from './facade/plan.js'
import {
  INFO_CALL, STATS_CALL, agentStatesCall, deleteCall, listingCall, messagesCall, readAsync, readHistory, readHistorySync, readSync, runsCall,
  sessionCall, sessionKeyCall, timelineCall, toolCallsCall, tracesCall,
} from './facade/reads.js'

/** Reports how far a long operation got: the records (import) or sessions (prune) done so far. */
export interface ProgressOptions {
  readonly onProgress?: ((done: number) => void) | undefined
}

/** Options every `PraisonAIDB` takes, whatever its store. */
export interface CoreOptions {
  /** How long a call is retried while the store is unreachable, in ms (default 15 000). */
  readonly retryDeadlineMs?: number
  /** Most writes one group commit takes (default 1000). */
  readonly maxBatchSize?: number
  /**
   * `durable` (default): a hook resolves once its write is committed. `buffered`: a hook
   * resolves once its write is queued; the queue is written by group commit as usual and
   * flushed by `flush()`, `aclose()`, `beforeExit`, SIGINT and SIGTERM. What a crash (SIGKILL,
   * power loss) loses: the writes queued and not yet committed, at most the batches in flight
   * (up to 4, `Backend.writesInFlight`) plus what arrived meanwhile. Failures surface from the
   * next `flush()`/`aclose()`.
   */
  readonly durability?: Durability
  /** The sync surface over an async store (a worker bridge): longest wait for one call, in ms (default retryDeadlineMs + 30 000). */
  readonly syncTimeoutMs?: number
}

/**
 * Options of `PraisonAIDB` on `T`: the core options and the store's own (also accepted in the
 * URL's query). For a URL the type checker knows, only its store's options type-check.
 */
export type PraisonAIDBOptions<T = string> = CoreOptions & StoreOptionsFor<T>

/** When a hook's promise resolves: after its commit, or once it is queued. */
export type Durability = 'durable' | 'buffered'

type Metadata = Readonly<Record<string, unknown>> | null

/** What a user scope is built from (module-private: only `forUser` makes one). */
class ScopeOf {
  readonly backend: Backend
  readonly access: SessionAccess
  constructor(backend: Backend, access: SessionAccess) {
    this.backend = backend
    this.access = access
  }
}

/**
 * A `PraisonAIDB` confined to one user's sessions (`db.forUser(userId)`): every hook and read,
 * without the lifecycle, which stays with the `PraisonAIDB` that made it.
 */
export type UserScope<T extends Target = Target> = Omit<PraisonAIDB<T>, 'aclose' | 'close' | typeof Symbol.asyncDispose | typeof Symbol.dispose>

/**
 * Durable memory for an agent: lifecycle hooks that persist every step to a store.
 *
 * Construct it from a URL (`sqlite:///agent_data.db`, `postgresql://…`, `memory:`), a bare
 * `*.db` path, a `{ conversation, state }` split, or a user store object. Nothing is opened
 * until the first hook. The `aon*` hooks resolve once their write is committed; concurrent
 * hooks share commits (group commit). The `on*` twins do the same synchronously.
 * `aclose()`/`close()` release everything; a hook after that opens the store again.
 *
 * Every write hook creates its session when absent. Metadata naming `user_id`/`userId` or
 * `agent_id`/`agentId` (a non-empty string) fills the session's `userId`/`agentId` while
 * that is still null, so the seed's `metadata={"user_id": …}` makes the session findable
 * by `listSessions({ userId })`.
 *
 * Every hook and read throws (or rejects with):
 * @throws ValidationError before anything is written when an argument is invalid.
 * @throws StoreUnavailableError when the store stayed unreachable for `retryDeadlineMs`.
 * @throws StoreError when the store refused the operation.
 * @throws ConfigError from the constructor when the target or an option is invalid.
 */
export class PraisonAIDB<T extends Target = Target> implements AsyncDisposable, Disposable {
  readonly #backend: Backend
  readonly #runtime: SessionAccess

  constructor(target: T, options?: PraisonAIDBOptions<T>)
  constructor(target: Target | ScopeOf, options: object = {}) {
    if (target instanceof ScopeOf) {
      this.#backend = target.backend
      this.#runtime = target.access
      return
    }
    if (typeof options !== 'object' || options === null) throw new ConfigError('OPTION_INVALID', `options must be an object, got ${quote(options)}`)
    const { reader: anyReader, build } = resolveTarget(target, options)
    const reader = anyReader.as<CoreOptions>()
    const retryDeadlineMs = reader.integer('retryDeadlineMs', 15_000, 0, 3_600_000)
    const maxBatch = reader.integer('maxBatchSize', 1000, 1, 100_000)
    const buffered = reader.choice<Durability>('durability', ['durable', 'buffered'], 'durable') === 'buffered'
    const syncTimeoutMs = reader.integer('syncTimeoutMs', retryDeadlineMs + 30_000, 1, 3_600_000)
    this.#backend = build(syncTimeoutMs)
    const spool = readSpoolOption(anyReader.as<SpoolOptions>(), this.#backend)
    anyReader.finish(this.#backend.description)
    this.#runtime = new StoreRuntime(this.#backend, { retryDeadlineMs, maxBatch: Math.min(maxBatch, this.#backend.maxBatch), buffered, spool })
  }

  /**
   * A user store class exported by a module, constructed with `args` and called inside worker
   * threads: its synchronous methods never block the event loop, and its async-only methods
   * serve the synchronous surface too.
   */
  static fromModule(moduleUrl: URL | string, exportName: string, ...args: readonly unknown[]): PraisonAIDB {
    return new PraisonAIDB(new StoreModule(moduleUrl, exportName, args))
  }

  /** What this instance stores to, password removed. */
  get target(): string {
    return this.#backend.description
  }

  /** What the store behind this instance can do. */
  get capabilities(): Backend['capabilities'] {
    return this.#backend.capabilities
  }

  /** The user of a scope made by `forUser`; null on the `PraisonAIDB` itself. */
  get userId(): string | null {
    return this.#runtime instanceof UserScopeAccess ? this.#runtime.userId : null
  }

  /**
   * The same hooks and reads, confined to the sessions of one user. Sessions it creates are
   * the user's (`userId`); its listings, searches, traces by user, exports and prunes see only
   * them. Writing, reading, deleting or importing over a session of another user, or of none,
   * rejects with `StoreError` `SESSION_FORBIDDEN` and writes nothing: a write is checked by the
   * store inside the write's own transaction (or lock, or script), so a concurrent writer cannot
   * slip in between. An unknown session reads as empty, as usual. `stats()` is refused (it
   * counts every user's records).
   *
   * The scope shares this instance's stores, connections and queue; it opens them lazily as
   * any hook does, and the lifecycle stays here: close the `PraisonAIDB`, not the scope (its
   * `aclose()`/`close()` throw `ConfigError`; its `flush()` waits for every write). Scopes are
   * cheap: make one per request. A scope's `forUser` gives a scope of the same user only.
   * @throws ValidationError when `userId` is not a non-empty string of at most 255 characters.
   * @throws ConfigError `CAPABILITY_MISSING` on a user store, which cannot check ownership inside its writes.
   * @throws StoreError `SESSION_FORBIDDEN` when a scope asks for another user's scope.
   */
  forUser(userId: string): UserScope<T> {
    const user = checkUserId(userId)
    if (this.#backend.capabilities.userScopes === false) {
      throw new ConfigError('CAPABILITY_MISSING', `${this.#backend.description} cannot check a session's user inside its writes, so it has no user scopes`)
    }
    const current = this.#runtime
    if (current instanceof UserScopeAccess) {
      if (current.userId !== user) throw new StoreError('SESSION_FORBIDDEN', `the scope of user ${quote(current.userId)} cannot give a scope of user ${quote(user)}`)
      return this
    }
    return new PraisonAIDB(new ScopeOf(this.#backend, new UserScopeAccess(current, user)) as unknown as T)
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /**
   * Waits for pending writes and reads, then closes every connection, pool and worker.
   * Concurrent and repeated calls share one promise. A hook called afterwards opens the
   * store again. With buffered durability, rejects with a write that failed.
   */
  aclose(): Promise<void> {
    return this.#runtime.aclose()
  }

  /**
   * Closes synchronously. The async surface's pending writes still commit: its store is
   * closed in the background once they have (`aclose()` waits for that too). A hook
   * called afterwards opens the store again.
   */
  close(): void {
    this.#runtime.close()
  }

  /**
   * Resolves once every write made so far is committed. With `durability: "buffered"` it
   * rejects with the first write that failed since the last flush (the others are reported
   * as its `errors` when there are several).
   */
  flush(): Promise<void> {
    return this.#runtime.flush()
  }

  /**
   * With the `spool` option: how many writes wait in the spool for this store, since when,
   * and how many the store refused on replay; null without a spool. Reads the local file only.
   */
  spoolStatus(): Promise<SpoolStatus | null> {
    return rejecting(() => Promise.resolve(this.#runtime.spoolStatus()))
  }

  /** Synchronous `spoolStatus`. */
  spoolStatusSync(): SpoolStatus | null {
    return this.#runtime.spoolStatus()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose()
  }

  [Symbol.dispose](): void {
    this.close()
  }

  // ---- async hooks ---------------------------------------------------------------------

  /**
   * Records that an agent started in a session, creating the session if absent (repeat
   * calls are harmless), and resolves to the session's prior messages in order (resume).
   */
  aonAgentStart(args: AgentEventArgs): Promise<readonly Message[]>
  aonAgentStart(sessionId: string, name: string, agentId?: string, metadata?: Metadata): Promise<readonly Message[]>
  aonAgentStart(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): Promise<readonly Message[]> {
    return startAgent(this.#runtime, agentArgs(first, name, agentId, metadata))
  }

  /** Stores a user message. */
  aonUserMessage(args: MessageArgs): Promise<void>
  aonUserMessage(sessionId: string, content: string, metadata?: Metadata): Promise<void>
  aonUserMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, userMessageOp, messageArgs(first, content, metadata))
  }

  /** Stores an agent (assistant) message. */
  aonAgentMessage(args: MessageArgs): Promise<void>
  aonAgentMessage(sessionId: string, content: string, metadata?: Metadata): Promise<void>
  aonAgentMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, agentMessageOp, messageArgs(first, content, metadata))
  }

  /** Stores a tool execution (arguments, result). */
  aonToolCall(args: ToolCallArgs): Promise<void>
  aonToolCall(sessionId: string, toolName: string, args: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): Promise<void>
  aonToolCall(first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, toolCallOp, toolArgs(first, toolName, args, result, metadata))
  }

  /** Records that an agent ended; sets the session's `endedAt`. */
  aonAgentEnd(args: AgentEventArgs): Promise<void>
  aonAgentEnd(sessionId: string, name: string, agentId?: string, metadata?: Metadata): Promise<void>
  aonAgentEnd(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, agentEndOp, agentArgs(first, name, agentId, metadata))
  }

  /** Records that a run started: the prompt it answers. Messages and tool calls of the run carry its `runId`. */
  aonRunStart(args: RunStartArgs): Promise<void>
  aonRunStart(sessionId: string, runId: string, inputContent: string, metadata?: Metadata): Promise<void>
  aonRunStart(first: string | RunStartArgs, runId?: string, inputContent?: string, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, runStartOp, runStartArgs(first, runId, inputContent, metadata))
  }

  /** Records how a run ended (`completed`, `error`, `interrupted`), its answer and metrics (tokens, durations). */
  aonRunEnd(args: RunEndArgs): Promise<void>
  aonRunEnd(sessionId: string, runId: string, outputContent: string, status: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): Promise<void>
  aonRunEnd(first: string | RunEndArgs, runId?: string, outputContent?: string, status?: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): Promise<void> {
    return queued(this.#runtime, runEndOp, runEndArgs(first, runId, outputContent, status, metrics, metadata))
  }

  /** Starts a trace of a session's work (the Agent: one per run). */
  aonTraceStart(args: TraceStartArgs): Promise<void> {
    return queued(this.#runtime, traceStartOp, args)
  }

  /** Ends a trace with `ok` or `error`. */
  aonTraceEnd(args: TraceEndArgs): Promise<void> {
    return queued(this.#runtime, traceEndOp, args)
  }

  /** Starts a span of a trace (a model call, a tool execution), under `parentSpanId` when nested. */
  aonSpanStart(args: SpanStartArgs): Promise<void> {
    return queued(this.#runtime, spanStartOp, args)
  }

  /** Ends a span with `ok` or `error` (and the error's text). */
  aonSpanEnd(args: SpanEndArgs): Promise<void> {
    return queued(this.#runtime, spanEndOp, args)
  }

  // ---- sync hooks ----------------------------------------------------------------------

  /** Synchronous twin of `aonAgentStart`: returns the session's prior messages. */
  onAgentStart(args: AgentEventArgs): readonly Message[]
  onAgentStart(sessionId: string, name: string, agentId?: string, metadata?: Metadata): readonly Message[]
  onAgentStart(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): readonly Message[] {
    return startAgentSync(this.#runtime, agentArgs(first, name, agentId, metadata))
  }

  /** Synchronous twin of `aonUserMessage`. */
  onUserMessage(args: MessageArgs): void
  onUserMessage(sessionId: string, content: string, metadata?: Metadata): void
  onUserMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(userMessageOp(messageArgs(first, content, metadata)))
  }

  /** Synchronous twin of `aonAgentMessage`. */
  onAgentMessage(args: MessageArgs): void
  onAgentMessage(sessionId: string, content: string, metadata?: Metadata): void
  onAgentMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(agentMessageOp(messageArgs(first, content, metadata)))
  }

  /** Synchronous twin of `aonToolCall`. */
  onToolCall(args: ToolCallArgs): void
  onToolCall(sessionId: string, toolName: string, args: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): void
  onToolCall(first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): void {
    this.#runtime.writeSync(toolCallOp(toolArgs(first, toolName, args, result, metadata)))
  }

  /** Synchronous twin of `aonAgentEnd`. */
  onAgentEnd(args: AgentEventArgs): void
  onAgentEnd(sessionId: string, name: string, agentId?: string, metadata?: Metadata): void
  onAgentEnd(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(agentEndOp(agentArgs(first, name, agentId, metadata)))
  }

  /** Synchronous twin of `aonRunStart`. */
  onRunStart(args: RunStartArgs): void
  onRunStart(sessionId: string, runId: string, inputContent: string, metadata?: Metadata): void
  onRunStart(first: string | RunStartArgs, runId?: string, inputContent?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(runStartOp(runStartArgs(first, runId, inputContent, metadata)))
  }

  /** Synchronous twin of `aonRunEnd`. */
  onRunEnd(args: RunEndArgs): void
  onRunEnd(sessionId: string, runId: string, outputContent: string, status: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): void
  onRunEnd(first: string | RunEndArgs, runId?: string, outputContent?: string, status?: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): void {
    this.#runtime.writeSync(runEndOp(runEndArgs(first, runId, outputContent, status, metrics, metadata)))
  }

  /** Synchronous twin of `aonTraceStart`. */
  onTraceStart(args: TraceStartArgs): void {
    this.#runtime.writeSync(traceStartOp(args))
  }

  /** Synchronous twin of `aonTraceEnd`. */
  onTraceEnd(args: TraceEndArgs): void {
    this.#runtime.writeSync(traceEndOp(args))
  }

  /** Synchronous twin of `aonSpanStart`. */
  onSpanStart(args: SpanStartArgs): void {
    this.#runtime.writeSync(spanStartOp(args))
  }

  /** Synchronous twin of `aonSpanEnd`. */
  onSpanEnd(args: SpanEndArgs): void {
    this.#runtime.writeSync(spanEndOp(args))
  }

  // ---- history edits and session keys (for framework adapters) ---------------------------

  /**
   * Rewrites a session's tail atomically: removes its messages and tool calls with `seq >
   * afterSeq`, then appends `append` in order (each validated as its hook's arguments), and
   * resolves with the appended records' seqs. Seqs are never reused. With `expectLastSeq` the
   * session's greatest stored seq must equal it (null: none stored), else `StoreError`
   * `HISTORY_CONFLICT` and nothing changes. Waits for its commit whatever the durability.
   * @throws ConfigError `CAPABILITY_MISSING` on a user store, which has no edits.
   */
  editHistory(sessionId: string, edit: EditHistoryArgs): Promise<EditHistoryResult> {
    return edits.editHistory(this.#runtime, sessionId, edit)
  }

  /** Synchronous `editHistory`. */
  editHistorySync(sessionId: string, edit: EditHistoryArgs): EditHistoryResult {
    return edits.editHistorySync(this.#runtime, sessionId, edit)
  }

  /**
   * Sets (a string of at most 64 KiB) or clears (null) a small value under `key` (at most 255
   * characters) for the session, creating the session if absent. With `expect`, only when the
   * current value equals it (null: absent): resolves to false, changing nothing, when it does
   * not (a lost compare-and-set is not an error). Deleted with the session.
   */
  setSessionKey(sessionId: string, key: string, value: string | null, options?: SetSessionKeyOptions): Promise<boolean> {
    return edits.setSessionKey(this.#runtime, sessionId, key, value, options)
  }

  /** Synchronous `setSessionKey`. */
  setSessionKeySync(sessionId: string, key: string, value: string | null, options?: SetSessionKeyOptions): boolean {
    return edits.setSessionKeySync(this.#runtime, sessionId, key, value, options)
  }

  /** The value `setSessionKey` left under `key` for the session, or null. */
  getSessionKey(sessionId: string, key: string): Promise<string | null> {
    return readAsync(this.#runtime, () => sessionKeyCall(sessionId, key))
  }

  /** Synchronous `getSessionKey`. */
  getSessionKeySync(sessionId: string, key: string): string | null {
    return readSync(this.#runtime, sessionKeyCall(sessionId, key))
  }

  // ---- reads (each retried within retryDeadlineMs; each with a Sync twin) ----------------

  /**
   * The session as OpenAI Chat Completions messages, oldest first, that any provider accepts
   * (see `chatHistory`): `limit` keeps the last N whole turns (a user message and everything
   * up to the next one), never cutting an assistant's tool calls from their results.
   */
  getHistory(sessionId: string, query?: ChatHistoryQuery): Promise<ChatMessage[]> {
    return readHistory(this.#runtime, sessionId, query)
  }

  /** Synchronous `getHistory`. */
  getHistorySync(sessionId: string, query?: ChatHistoryQuery): ChatMessage[] {
    return readHistorySync(this.#runtime, sessionId, query)
  }

  /** A session's runs, newest first (`limit`, default 50). */
  getRuns(sessionId: string, query?: RunQuery): Promise<readonly Run[]> {
    return readAsync(this.#runtime, () => runsCall(sessionId, query))
  }

  /** Synchronous `getRuns`. */
  getRunsSync(sessionId: string, query?: RunQuery): readonly Run[] {
    return readSync(this.#runtime, runsCall(sessionId, query))
  }

  /** Traces newest first, each with its spans in start order, of a session or a user (`limit`, default 50). */
  getTraces(query?: TraceQuery): Promise<readonly Trace[]> {
    return readAsync(this.#runtime, () => tracesCall(query))
  }

  /** Synchronous `getTraces`. */
  getTracesSync(query?: TraceQuery): readonly Trace[] {
    return readSync(this.#runtime, tracesCall(query))
  }

  /** The session, or null when there is none. */
  getSession(sessionId: string): Promise<Session | null> {
    return readAsync(this.#runtime, () => sessionCall(sessionId))
  }

  /** Sessions newest first, filtered by user or agent; pass `nextCursor` back for the next page. */
  listSessions(query?: ListSessionsQuery): Promise<Page<Session>> {
    return readAsync(this.#runtime, () => listingCall(query))
  }

  /** A session's messages in order; `limit` keeps the last N. Empty when there is no such session. */
  getMessages(sessionId: string, query?: HistoryQuery): Promise<readonly Message[]> {
    return readAsync(this.#runtime, () => messagesCall(sessionId, query))
  }

  /** A session's tool calls in order. */
  getToolCalls(sessionId: string, query?: HistoryQuery): Promise<readonly ToolCall[]> {
    return readAsync(this.#runtime, () => toolCallsCall(sessionId, query))
  }

  /** A session's messages and tool calls interleaved by `seq`, each tagged with its kind. */
  getTimeline(sessionId: string, query?: HistoryQuery): Promise<readonly TimelineItem[]> {
    return readAsync(this.#runtime, () => timelineCall(sessionId, query))
  }

  /** The agents that started in a session, with their status. */
  getAgentStates(sessionId: string): Promise<readonly AgentState[]> {
    return readAsync(this.#runtime, () => agentStatesCall(sessionId))
  }

  /** Deletes a session with all its messages, tool calls and agent states (writes made before it included); false if there was none. */
  deleteSession(sessionId: string): Promise<boolean> {
    return readAsync(this.#runtime, () => deleteCall(sessionId))
  }

  /**
   * What the store runs with, read back from its connection rather than from the options:
   * the newest applied migration and settings such as SQLite's `journalMode`, `synchronous`
   * and `busyTimeoutMs`, or the server's version. The async surface's connection answers.
   */
  storeInfo(): Promise<StoreInfo> {
    return readAsync(this.#runtime, () => INFO_CALL)
  }

  /** Synchronous `storeInfo`: the sync surface's connection answers. */
  storeInfoSync(): StoreInfo {
    return readSync(this.#runtime, INFO_CALL)
  }

  /** Synchronous `getSession`. */
  getSessionSync(sessionId: string): Session | null {
    return readSync(this.#runtime, sessionCall(sessionId))
  }

  /** Synchronous `listSessions`. */
  listSessionsSync(query?: ListSessionsQuery): Page<Session> {
    return readSync(this.#runtime, listingCall(query))
  }

  /** Synchronous `getMessages`. */
  getMessagesSync(sessionId: string, query?: HistoryQuery): readonly Message[] {
    return readSync(this.#runtime, messagesCall(sessionId, query))
  }

  /** Synchronous `getToolCalls`. */
  getToolCallsSync(sessionId: string, query?: HistoryQuery): readonly ToolCall[] {
    return readSync(this.#runtime, toolCallsCall(sessionId, query))
  }

  /** Synchronous `getTimeline`. */
  getTimelineSync(sessionId: string, query?: HistoryQuery): readonly TimelineItem[] {
    return readSync(this.#runtime, timelineCall(sessionId, query))
  }

  /** Synchronous `getAgentStates`. */
  getAgentStatesSync(sessionId: string): readonly AgentState[] {
    return readSync(this.#runtime, agentStatesCall(sessionId))
  }

  /** Synchronous `deleteSession`. */
  deleteSessionSync(sessionId: string): boolean {
    return readSync(this.#runtime, deleteCall(sessionId))
  }

  // ---- operations: search, prune, export, import, stats ----------------------------------

  /**
   * Messages whose content holds the query's words, best match first, with the session and
   * `seq` of each; a page at a time (`limit`, default 50; pass `nextCursor` back). Filters:
   * `userId`, `agentId`, `sessionId`. The query is reduced to its words (letters and digits);
   * no text is read as query syntax. How words match is each engine's (docs/stores.md).
   */
  searchMessages(query: SearchQuery): Promise<Page<SearchHit>> {
    return operations.search(this.#runtime, query)
  }

  /** Synchronous `searchMessages`. */
  searchMessagesSync(query: SearchQuery): Page<SearchHit> {
    return operations.searchSync(this.#runtime, query)
  }

  /**
   * Deletes the sessions that meet every condition given (`endedBefore`, `inactiveSince`: a
   * `Date` or ISO-8601 string; at least one of them; `userId`) with everything of theirs, in
   * batches of 500 sessions, one transaction each (writes made before it included). With
   * `dryRun`, deletes nothing and reports what it would delete.
   */
  pruneSessions(query: PruneQuery, options: ProgressOptions = {}): Promise<PruneResult> {
    return operations.prune(this.#runtime, query, options)
  }

  /** Synchronous `pruneSessions`. */
  pruneSessionsSync(query: PruneQuery, options: ProgressOptions = {}): PruneResult {
    return operations.pruneSync(this.#runtime, query, options)
  }

  /**
   * Every record of the sessions asked for (`sessionIds`, or those of `userId`, or written
   * since `since`, or all), as self-describing records: a header, then each session followed
   * by its messages and tool calls (by seq), agent states, runs, traces and spans. Write one
   * JSON object per line for a file `importRecords` reads back into any store. A session id
   * with no session is skipped.
   */
  exportSessions(query?: ExportQuery): AsyncGenerator<ExportRecord, void, undefined> {
    return operations.exportAll(this.#runtime, query)
  }

  /** Synchronous `exportSessions`: each session is read when the iteration reaches it. */
  exportSessionsSync(query?: ExportQuery): Generator<ExportRecord, void, undefined> {
    return operations.exportAllSync(this.#runtime, query)
  }

  /**
   * Writes records as `exportSessions` gives them (parsed JSON Lines, or another store's
   * export), keeping every id, `seq` and timestamp: lossless between any two stores, and
   * idempotent (a record whose id is stored is skipped). Each session is validated in full,
   * then written in one transaction; a record that is not valid rejects with
   * `ValidationError` naming its position, and nothing of its session is written (sessions
   * before it are). A `seq` the target holds for a different record rejects with
   * `StoreError` `IMPORT_CONFLICT`, nothing of that session written.
   */
  importRecords(records: Iterable<unknown> | AsyncIterable<unknown>, options: ProgressOptions = {}): Promise<ImportResult> {
    return operations.importAll(this.#runtime, records, options)
  }

  /** Synchronous `importRecords` over a synchronous iterable. */
  importRecordsSync(records: Iterable<unknown>, options: ProgressOptions = {}): ImportResult {
    return operations.importAllSync(this.#runtime, records, options)
  }

  /** How many sessions, messages, tool calls, agent states, runs, traces and spans the store holds. */
  stats(): Promise<StoreStats> {
    return readAsync(this.#runtime, () => STATS_CALL)
  }

  /** Synchronous `stats`. */
  statsSync(): StoreStats {
    return readSync(this.#runtime, STATS_CALL)
  }

  toString(): string {
    return `${this.constructor.name}(${this.#backend.description})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
