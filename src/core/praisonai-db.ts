import { inspect } from 'node:util'
import { ConfigError, StoreError, quote } from './errors.js'
import {
  agentStateOp, isObjectForm, messageOp, toolCallOp,
  type AgentEventArgs, type MessageArgs, type ToolCallArgs,
} from './hook-args.js'
import {
  checkSessionKey, editOp, editResult, sessionKeyOp, type EditHistoryArgs, type EditHistoryResult, type SetSessionKeyOptions,
} from './history-args.js'
import { StoreModule } from './offload/threads.js'
import type {
  AgentState, ChatHistoryQuery, ChatMessage, ExportQuery, ExportRecord, HistoryQuery, ImportResult, ListSessionsQuery, Message, Page, PruneQuery,
  PruneResult, Run, RunQuery, SearchHit, SearchQuery, Session, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from './records.js'
import { EXPORT_PAGE, exportsSession, readBundle, readBundleSync, searchAsk, searchPage } from './operations.js'
import { BundleReader, EXPORT_HEADER, bundleRecords } from './transfer.js'
import { chatHistory, firstWindow, lastTurns } from './history.js'
import {
  runEndOp, runStartOp, spanEndOp, spanStartOp, traceEndOp, traceStartOp,
  type RunEndArgs, type RunStartArgs, type SpanEndArgs, type SpanStartArgs, type TraceEndArgs, type TraceStartArgs,
} from './run-args.js'
import { StoreRuntime } from './runtime.js'
import { UserScopeAccess, checkUserId, type SessionAccess } from './user-scope.js'
import type { SpoolOptions, SpoolStatus } from './spool/spool-file.js'
import { readSpoolOption } from './spool/spool-option.js'
import type { Backend, SessionBundle } from './store.js'
import { resolveTarget, type Target } from './targets.js'
import {
  normaliseExport, normaliseHistory, normaliseListing, normalisePrune, normaliseRuns, normaliseSearch, normaliseTraces, normaliseTurns,
} from './queries.js'
import { checkSessionId } from './validate.js'
import type { StoreOptionsFor } from '../stores/registry.js'

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
   * power loss) loses: the writes queued and not yet committed, at most one batch in flight
   * plus what arrived meanwhile. Failures surface from the next `flush()`/`aclose()`.
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

const isMissingReads = (error: unknown): boolean => error instanceof ConfigError && error.code === 'CAPABILITY_MISSING'

/** The prior messages for a resume; a store that cannot read (a write-only user store) resumes nothing. */
function noHistoryWithoutReads(error: unknown): readonly Message[] {
  if (isMissingReads(error)) return []
  throw error
}

/** Runs `build` and turns a synchronous throw (invalid input) into a rejection, as an async hook must. */
function rejecting<T>(build: () => Promise<T>): Promise<T> {
  try {
    return build()
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

const agentArgs = (first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): AgentEventArgs =>
  isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata }
const messageArgs = (first: string | MessageArgs, content?: string, metadata?: Metadata): MessageArgs =>
  isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }
const toolArgs = (first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): ToolCallArgs =>
  isObjectForm(first) ? first : { sessionId: first, toolName: toolName as string, arguments: args as Readonly<Record<string, unknown>>, result, metadata }

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
    return rejecting(() => {
      const op = agentStateOp('started', agentArgs(first, name, agentId, metadata))
      return this.#runtime.writeThenRead(op, (store) => store.getMessages(op.session.id, {}).catch(noHistoryWithoutReads))
    })
  }

  /** Stores a user message. */
  aonUserMessage(args: MessageArgs): Promise<void>
  aonUserMessage(sessionId: string, content: string, metadata?: Metadata): Promise<void>
  aonUserMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(messageOp('user', messageArgs(first, content, metadata))))
  }

  /** Stores an agent (assistant) message. */
  aonAgentMessage(args: MessageArgs): Promise<void>
  aonAgentMessage(sessionId: string, content: string, metadata?: Metadata): Promise<void>
  aonAgentMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(messageOp('assistant', messageArgs(first, content, metadata))))
  }

  /** Stores a tool execution (arguments, result). */
  aonToolCall(args: ToolCallArgs): Promise<void>
  aonToolCall(sessionId: string, toolName: string, args: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): Promise<void>
  aonToolCall(first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(toolCallOp(toolArgs(first, toolName, args, result, metadata))))
  }

  /** Records that an agent ended; sets the session's `endedAt`. */
  aonAgentEnd(args: AgentEventArgs): Promise<void>
  aonAgentEnd(sessionId: string, name: string, agentId?: string, metadata?: Metadata): Promise<void>
  aonAgentEnd(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(agentStateOp('ended', agentArgs(first, name, agentId, metadata))))
  }

  /** Records that a run started: the prompt it answers. Messages and tool calls of the run carry its `runId`. */
  aonRunStart(args: RunStartArgs): Promise<void>
  aonRunStart(sessionId: string, runId: string, inputContent: string, metadata?: Metadata): Promise<void>
  aonRunStart(first: string | RunStartArgs, runId?: string, inputContent?: string, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(runStartOp(isObjectForm(first) ? first : { sessionId: first, runId: runId as string, inputContent: inputContent as string, metadata })))
  }

  /** Records how a run ended (`completed`, `error`, `interrupted`), its answer and metrics (tokens, durations). */
  aonRunEnd(args: RunEndArgs): Promise<void>
  aonRunEnd(sessionId: string, runId: string, outputContent: string, status: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): Promise<void>
  aonRunEnd(first: string | RunEndArgs, runId?: string, outputContent?: string, status?: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): Promise<void> {
    return rejecting(() => this.#runtime.write(runEndOp(isObjectForm(first) ? first : { sessionId: first, runId: runId as string, outputContent: outputContent as string, status: status as RunEndArgs['status'], metrics, metadata })))
  }

  /** Starts a trace of a session's work (the Agent: one per run). */
  aonTraceStart(args: TraceStartArgs): Promise<void> {
    return rejecting(() => this.#runtime.write(traceStartOp(args)))
  }

  /** Ends a trace with `ok` or `error`. */
  aonTraceEnd(args: TraceEndArgs): Promise<void> {
    return rejecting(() => this.#runtime.write(traceEndOp(args)))
  }

  /** Starts a span of a trace (a model call, a tool execution), under `parentSpanId` when nested. */
  aonSpanStart(args: SpanStartArgs): Promise<void> {
    return rejecting(() => this.#runtime.write(spanStartOp(args)))
  }

  /** Ends a span with `ok` or `error` (and the error's text). */
  aonSpanEnd(args: SpanEndArgs): Promise<void> {
    return rejecting(() => this.#runtime.write(spanEndOp(args)))
  }

  // ---- sync hooks ----------------------------------------------------------------------

  /** Synchronous twin of `aonAgentStart`: returns the session's prior messages. */
  onAgentStart(args: AgentEventArgs): readonly Message[]
  onAgentStart(sessionId: string, name: string, agentId?: string, metadata?: Metadata): readonly Message[]
  onAgentStart(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): readonly Message[] {
    const op = agentStateOp('started', agentArgs(first, name, agentId, metadata))
    this.#runtime.writeSync(op)
    try {
      return this.#runtime.readSync((store) => store.getMessages(op.session.id, {}), true)
    } catch (error) {
      return noHistoryWithoutReads(error)
    }
  }

  /** Synchronous twin of `aonUserMessage`. */
  onUserMessage(args: MessageArgs): void
  onUserMessage(sessionId: string, content: string, metadata?: Metadata): void
  onUserMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(messageOp('user', messageArgs(first, content, metadata)))
  }

  /** Synchronous twin of `aonAgentMessage`. */
  onAgentMessage(args: MessageArgs): void
  onAgentMessage(sessionId: string, content: string, metadata?: Metadata): void
  onAgentMessage(first: string | MessageArgs, content?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(messageOp('assistant', messageArgs(first, content, metadata)))
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
    this.#runtime.writeSync(agentStateOp('ended', agentArgs(first, name, agentId, metadata)))
  }

  /** Synchronous twin of `aonRunStart`. */
  onRunStart(args: RunStartArgs): void
  onRunStart(sessionId: string, runId: string, inputContent: string, metadata?: Metadata): void
  onRunStart(first: string | RunStartArgs, runId?: string, inputContent?: string, metadata?: Metadata): void {
    this.#runtime.writeSync(runStartOp(isObjectForm(first) ? first : { sessionId: first, runId: runId as string, inputContent: inputContent as string, metadata }))
  }

  /** Synchronous twin of `aonRunEnd`. */
  onRunEnd(args: RunEndArgs): void
  onRunEnd(sessionId: string, runId: string, outputContent: string, status: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): void
  onRunEnd(first: string | RunEndArgs, runId?: string, outputContent?: string, status?: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata): void {
    this.#runtime.writeSync(runEndOp(isObjectForm(first) ? first : { sessionId: first, runId: runId as string, outputContent: outputContent as string, status: status as RunEndArgs['status'], metrics, metadata }))
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
    return rejecting(async () => { const op = editOp(sessionId, edit); return editResult(op, await this.#runtime.writeForResult(op)) })
  }

  /** Synchronous `editHistory`. */
  editHistorySync(sessionId: string, edit: EditHistoryArgs): EditHistoryResult {
    const op = editOp(sessionId, edit)
    return editResult(op, this.#runtime.writeSync(op))
  }

  /**
   * Sets (a string of at most 64 KiB) or clears (null) a small value under `key` (at most 255
   * characters) for the session, creating the session if absent. With `expect`, only when the
   * current value equals it (null: absent): resolves to false, changing nothing, when it does
   * not (a lost compare-and-set is not an error). Deleted with the session.
   */
  setSessionKey(sessionId: string, key: string, value: string | null, options?: SetSessionKeyOptions): Promise<boolean> {
    return rejecting(async () => (await this.#runtime.writeForResult(sessionKeyOp(sessionId, key, value, options))) === 1)
  }

  /** Synchronous `setSessionKey`. */
  setSessionKeySync(sessionId: string, key: string, value: string | null, options?: SetSessionKeyOptions): boolean {
    return this.#runtime.writeSync(sessionKeyOp(sessionId, key, value, options)) === 1
  }

  /** The value `setSessionKey` left under `key` for the session, or null. */
  getSessionKey(sessionId: string, key: string): Promise<string | null> {
    return rejecting(() => { const id = checkSessionId(sessionId); const k = checkSessionKey(key); return this.#runtime.read((s) => s.getSessionKey(id, k)) })
  }

  /** Synchronous `getSessionKey`. */
  getSessionKeySync(sessionId: string, key: string): string | null {
    const id = checkSessionId(sessionId)
    const k = checkSessionKey(key)
    return this.#runtime.readSync((s) => s.getSessionKey(id, k))
  }

  // ---- reads (each retried within retryDeadlineMs; each with a Sync twin) ----------------

  /**
   * The session as OpenAI Chat Completions messages, oldest first, that any provider accepts
   * (see `chatHistory`): `limit` keeps the last N whole turns (a user message and everything
   * up to the next one), never cutting an assistant's tool calls from their results.
   */
  getHistory(sessionId: string, query?: ChatHistoryQuery): Promise<ChatMessage[]> {
    return rejecting(() => {
      const id = checkSessionId(sessionId)
      const turns = normaliseTurns(query)
      return this.#runtime.read(async (s) => {
        if (turns === undefined) return chatHistory(await s.getTimeline(id, {}))
        for (let width = firstWindow(turns); ; width *= 4) {
          const window = await s.getTimeline(id, { limit: width })
          const kept = lastTurns(window, turns, window.length < width)
          if (kept !== undefined) return chatHistory(kept)
        }
      })
    })
  }

  /** Synchronous `getHistory`. */
  getHistorySync(sessionId: string, query?: ChatHistoryQuery): ChatMessage[] {
    const id = checkSessionId(sessionId)
    const turns = normaliseTurns(query)
    return this.#runtime.readSync((s) => {
      if (turns === undefined) return chatHistory(s.getTimeline(id, {}))
      for (let width = firstWindow(turns); ; width *= 4) {
        const window = s.getTimeline(id, { limit: width })
        const kept = lastTurns(window, turns, window.length < width)
        if (kept !== undefined) return chatHistory(kept)
      }
    })
  }

  /** A session's runs, newest first (`limit`, default 50). */
  getRuns(sessionId: string, query?: RunQuery): Promise<readonly Run[]> {
    return rejecting(() => { const id = checkSessionId(sessionId); const q = normaliseRuns(query); return this.#runtime.read((s) => s.getRuns(id, q)) })
  }

  /** Synchronous `getRuns`. */
  getRunsSync(sessionId: string, query?: RunQuery): readonly Run[] {
    const id = checkSessionId(sessionId)
    const q = normaliseRuns(query)
    return this.#runtime.readSync((s) => s.getRuns(id, q))
  }

  /** Traces newest first, each with its spans in start order, of a session or a user (`limit`, default 50). */
  getTraces(query?: TraceQuery): Promise<readonly Trace[]> {
    return rejecting(() => { const q = normaliseTraces(query); return this.#runtime.read((s) => s.getTraces(q)) })
  }

  /** Synchronous `getTraces`. */
  getTracesSync(query?: TraceQuery): readonly Trace[] {
    const q = normaliseTraces(query)
    return this.#runtime.readSync((s) => s.getTraces(q))
  }

  /** The session, or null when there is none. */
  getSession(sessionId: string): Promise<Session | null> {
    return rejecting(() => { const id = checkSessionId(sessionId); return this.#runtime.read((s) => s.getSession(id)) })
  }

  /** Sessions newest first, filtered by user or agent; pass `nextCursor` back for the next page. */
  listSessions(query?: ListSessionsQuery): Promise<Page<Session>> {
    return rejecting(() => { const q = normaliseListing(query); return this.#runtime.read((s) => s.listSessions(q)) })
  }

  /** A session's messages in order; `limit` keeps the last N. Empty when there is no such session. */
  getMessages(sessionId: string, query?: HistoryQuery): Promise<readonly Message[]> {
    return rejecting(() => { const id = checkSessionId(sessionId); const q = normaliseHistory(query); return this.#runtime.read((s) => s.getMessages(id, q)) })
  }

  /** A session's tool calls in order. */
  getToolCalls(sessionId: string, query?: HistoryQuery): Promise<readonly ToolCall[]> {
    return rejecting(() => { const id = checkSessionId(sessionId); const q = normaliseHistory(query); return this.#runtime.read((s) => s.getToolCalls(id, q)) })
  }

  /** A session's messages and tool calls interleaved by `seq`, each tagged with its kind. */
  getTimeline(sessionId: string, query?: HistoryQuery): Promise<readonly TimelineItem[]> {
    return rejecting(() => { const id = checkSessionId(sessionId); const q = normaliseHistory(query); return this.#runtime.read((s) => s.getTimeline(id, q)) })
  }

  /** The agents that started in a session, with their status. */
  getAgentStates(sessionId: string): Promise<readonly AgentState[]> {
    return rejecting(() => { const id = checkSessionId(sessionId); return this.#runtime.read((s) => s.getAgentStates(id)) })
  }

  /** Deletes a session with all its messages, tool calls and agent states (writes made before it included); false if there was none. */
  deleteSession(sessionId: string): Promise<boolean> {
    return rejecting(() => { const id = checkSessionId(sessionId); return this.#runtime.read((s) => s.deleteSession(id), true) })
  }

  /**
   * What the store runs with, read back from its connection rather than from the options:
   * the newest applied migration and settings such as SQLite's `journalMode`, `synchronous`
   * and `busyTimeoutMs`, or the server's version. The async surface's connection answers.
   */
  storeInfo(): Promise<StoreInfo> {
    return this.#runtime.read((s) => s.info())
  }

  /** Synchronous `storeInfo`: the sync surface's connection answers. */
  storeInfoSync(): StoreInfo {
    return this.#runtime.readSync((s) => s.info())
  }

  /** Synchronous `getSession`. */
  getSessionSync(sessionId: string): Session | null {
    const id = checkSessionId(sessionId)
    return this.#runtime.readSync((s) => s.getSession(id))
  }

  /** Synchronous `listSessions`. */
  listSessionsSync(query?: ListSessionsQuery): Page<Session> {
    const q = normaliseListing(query)
    return this.#runtime.readSync((s) => s.listSessions(q))
  }

  /** Synchronous `getMessages`. */
  getMessagesSync(sessionId: string, query?: HistoryQuery): readonly Message[] {
    const id = checkSessionId(sessionId)
    const q = normaliseHistory(query)
    return this.#runtime.readSync((s) => s.getMessages(id, q))
  }

  /** Synchronous `getToolCalls`. */
  getToolCallsSync(sessionId: string, query?: HistoryQuery): readonly ToolCall[] {
    const id = checkSessionId(sessionId)
    const q = normaliseHistory(query)
    return this.#runtime.readSync((s) => s.getToolCalls(id, q))
  }

  /** Synchronous `getTimeline`. */
  getTimelineSync(sessionId: string, query?: HistoryQuery): readonly TimelineItem[] {
    const id = checkSessionId(sessionId)
    const q = normaliseHistory(query)
    return this.#runtime.readSync((s) => s.getTimeline(id, q))
  }

  /** Synchronous `getAgentStates`. */
  getAgentStatesSync(sessionId: string): readonly AgentState[] {
    const id = checkSessionId(sessionId)
    return this.#runtime.readSync((s) => s.getAgentStates(id))
  }

  /** Synchronous `deleteSession`. */
  deleteSessionSync(sessionId: string): boolean {
    const id = checkSessionId(sessionId)
    return this.#runtime.readSync((s) => s.deleteSession(id), true)
  }

  // ---- operations: search, prune, export, import, stats ----------------------------------

  /**
   * Messages whose content holds the query's words, best match first, with the session and
   * `seq` of each; a page at a time (`limit`, default 50; pass `nextCursor` back). Filters:
   * `userId`, `agentId`, `sessionId`. The query is reduced to its words (letters and digits);
   * no text is read as query syntax. How words match is each engine's (docs/stores.md).
   */
  searchMessages(query: SearchQuery): Promise<Page<SearchHit>> {
    return rejecting(async () => {
      const q = normaliseSearch(query)
      if (q.words.length === 0) return { items: [], nextCursor: null }
      return searchPage(q, await this.#runtime.read((s) => s.searchMessages(searchAsk(q))))
    })
  }

  /** Synchronous `searchMessages`. */
  searchMessagesSync(query: SearchQuery): Page<SearchHit> {
    const q = normaliseSearch(query)
    if (q.words.length === 0) return { items: [], nextCursor: null }
    return searchPage(q, this.#runtime.readSync((s) => s.searchMessages(searchAsk(q))))
  }

  /**
   * Deletes the sessions that meet every condition given (`endedBefore`, `inactiveSince`: a
   * `Date` or ISO-8601 string; at least one of them; `userId`) with everything of theirs, in
   * batches of 500 sessions, one transaction each (writes made before it included). With
   * `dryRun`, deletes nothing and reports what it would delete.
   */
  pruneSessions(query: PruneQuery, options: ProgressOptions = {}): Promise<PruneResult> {
    return rejecting(async () => {
      let batch = normalisePrune(query)
      const sessions: Session[] = []
      for (;;) {
        const current = batch
        const pruned = await this.#runtime.read((s) => s.pruneSessions(current), true)
        sessions.push(...pruned)
        options.onProgress?.(sessions.length)
        if (pruned.length < batch.limit) return { dryRun: batch.dryRun, sessions }
        batch = { ...batch, afterId: pruned[pruned.length - 1]!.id }
      }
    })
  }

  /** Synchronous `pruneSessions`. */
  pruneSessionsSync(query: PruneQuery, options: ProgressOptions = {}): PruneResult {
    let batch = normalisePrune(query)
    const sessions: Session[] = []
    for (;;) {
      const current = batch
      const pruned = this.#runtime.readSync((s) => s.pruneSessions(current), true)
      sessions.push(...pruned)
      options.onProgress?.(sessions.length)
      if (pruned.length < batch.limit) return { dryRun: batch.dryRun, sessions }
      batch = { ...batch, afterId: pruned[pruned.length - 1]!.id }
    }
  }

  /**
   * Every record of the sessions asked for (`sessionIds`, or those of `userId`, or written
   * since `since`, or all), as self-describing records: a header, then each session followed
   * by its messages and tool calls (by seq), agent states, runs, traces and spans. Write one
   * JSON object per line for a file `importRecords` reads back into any store. A session id
   * with no session is skipped.
   */
  async *exportSessions(query?: ExportQuery): AsyncGenerator<ExportRecord, void, undefined> {
    const q = normaliseExport(query)
    yield EXPORT_HEADER
    const one = async function* (this: PraisonAIDB<T>, id: string): AsyncGenerator<ExportRecord> {
      const bundle = await this.#runtime.read((s) => readBundle(s, id))
      if (bundle !== null) yield* bundleRecords(bundle)
    }.bind(this)
    if (q.sessionIds !== undefined) {
      for (const id of q.sessionIds) yield* one(id)
      return
    }
    let cursor: string | null = null
    do {
      const listing = normaliseListing({ userId: q.userId, limit: EXPORT_PAGE, cursor })
      const page: Page<Session> = await this.#runtime.read((s) => s.listSessions(listing))
      for (const session of page.items) if (exportsSession(q.since, session)) yield* one(session.id)
      cursor = page.nextCursor
    } while (cursor !== null)
  }

  /** Synchronous `exportSessions`: each session is read when the iteration reaches it. */
  *exportSessionsSync(query?: ExportQuery): Generator<ExportRecord, void, undefined> {
    const q = normaliseExport(query)
    yield EXPORT_HEADER
    const one = (id: string): ExportRecord[] => {
      const bundle = this.#runtime.readSync((s) => readBundleSync(s, id))
      return bundle === null ? [] : bundleRecords(bundle)
    }
    if (q.sessionIds !== undefined) {
      for (const id of q.sessionIds) yield* one(id)
      return
    }
    let cursor: string | null = null
    do {
      const listing = normaliseListing({ userId: q.userId, limit: EXPORT_PAGE, cursor })
      const page: Page<Session> = this.#runtime.readSync((s) => s.listSessions(listing))
      for (const session of page.items) if (exportsSession(q.since, session)) yield* one(session.id)
      cursor = page.nextCursor
    } while (cursor !== null)
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
    return rejecting(async () => {
      const reader = new BundleReader()
      const totals = { sessions: 0, added: 0, skipped: 0 }
      const write = async (bundle: SessionBundle | undefined): Promise<void> => {
        if (bundle === undefined) return
        const outcome = await this.#runtime.read((s) => s.importSession(bundle), true)
        totals.sessions += 1
        totals.added += outcome.added
        totals.skipped += outcome.skipped
      }
      let done = 0
      for await (const record of records) {
        await write(reader.push(record))
        options.onProgress?.(++done)
      }
      await write(reader.finish())
      return totals
    })
  }

  /** Synchronous `importRecords` over a synchronous iterable. */
  importRecordsSync(records: Iterable<unknown>, options: ProgressOptions = {}): ImportResult {
    const reader = new BundleReader()
    const totals = { sessions: 0, added: 0, skipped: 0 }
    const write = (bundle: SessionBundle | undefined): void => {
      if (bundle === undefined) return
      const outcome = this.#runtime.readSync((s) => s.importSession(bundle))
      totals.sessions += 1
      totals.added += outcome.added
      totals.skipped += outcome.skipped
    }
    let done = 0
    for (const record of records) {
      write(reader.push(record))
      options.onProgress?.(++done)
    }
    write(reader.finish())
    return totals
  }

  /** How many sessions, messages, tool calls, agent states, runs, traces and spans the store holds. */
  stats(): Promise<StoreStats> {
    return this.#runtime.read((s) => s.stats())
  }

  /** Synchronous `stats`. */
  statsSync(): StoreStats {
    return this.#runtime.readSync((s) => s.stats())
  }

  toString(): string {
    return `${this.constructor.name}(${this.#backend.description})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
