import type {
  AgentState, HistoryQuery, JsonObject, ListSessionsQuery, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, StoreInfo, StoreStats, Span,
  TimelineItem, ToolCall, Trace, TraceQuery,
} from './records.js'

/** A message before its store assigns `seq`. */
export type NewMessage = Omit<Message, 'seq'>
/** A tool call before its store assigns `seq`. */
export type NewToolCall = Omit<ToolCall, 'seq'>

/**
 * What a session row starts as when a write names a session that does not exist yet.
 * On an existing session, non-null `userId`/`agentId`/`name` fill fields that are still null.
 */
export interface SessionSeed {
  readonly id: string
  readonly userId: string | null
  readonly agentId: string | null
  readonly name: string | null
  readonly metadata: JsonObject
  readonly at: string
  /**
   * Set by a user scope (`db.forUser`): the write is allowed only on a session that does not
   * exist yet (it is created with this `userId`) or whose `userId` is this user, as found under
   * the write's own lock or transaction; otherwise the store fails the batch with `StoreError`
   * `SESSION_FORBIDDEN` (see `core/ownership.ts`) and writes nothing of it.
   */
  readonly owner?: string | undefined
}

/** A trace as written: without its spans, which are written on their own. */
export type TraceRecord = Omit<Trace, 'spans'>

/**
 * Whether a run, trace or span write starts it or ends it. A `start` inserts the record
 * unless its id is stored (idempotent). An `end` updates the stored record's end fields —
 * run: `status`, `output`, `metrics`, `endedAt`; trace: `status`, `endedAt`; span: `status`,
 * `error`, `endedAt` — and its `metadata` (run, trace) or `attributes` (span) when
 * `replaceDetails`; an end whose start was never stored inserts the whole record.
 */
export type Phase = 'start' | 'end'

/** A message or tool call write: the records that take a `seq`. */
export type RecordOp =
  | { readonly type: 'message'; readonly session: SessionSeed; readonly record: NewMessage }
  | { readonly type: 'toolCall'; readonly session: SessionSeed; readonly record: NewToolCall }

/**
 * An atomic rewrite of a session's tail (`edit` write). Removes the session's messages and
 * tool calls with `seq > afterSeq` (runs, traces, agent states and the session row stay),
 * then appends `append` in order. Appended records take seqs after the greatest seq the
 * session was EVER given, so a seq is never reused (a pop then an append is told apart by
 * `expectLastSeq`); a record whose id is stored in the session after the removal is left as
 * it is (the idempotency rule of every write). The search index follows the removal.
 */
export interface HistoryEdit {
  /** Keep messages and tool calls with seq <= afterSeq; remove the rest (0 = remove all). */
  readonly afterSeq: number
  /**
   * When set: the greatest seq of the session's stored messages and tool calls must equal it
   * (null: the session holds none), else `StoreError` `HISTORY_CONFLICT` and nothing changes.
   */
  readonly expectLastSeq?: number | null | undefined
  /** Appended after the removal, in order; they take the next seqs (each record's `sessionId` is the edit's session). */
  readonly append: readonly RecordOp[]
}

/**
 * One write of a batch. Every write creates its session if absent (from `session`).
 * Messages and tool calls take the session's next `seq`, in batch order;
 * `agentState` records an agent's start (clears the session's `endedAt`) or end (sets it);
 * `run`, `trace` and `span` start or end one (see `Phase`); `edit` rewrites the session's
 * tail (see `HistoryEdit`); `sessionKey` sets (`value` a string) or clears (null) a small
 * value under `key` for the session, only when the current value equals `expect` if given
 * (null: absent; undefined: unconditional).
 */
export type WriteOp =
  | RecordOp
  | { readonly type: 'agentState'; readonly session: SessionSeed; readonly record: AgentState }
  | { readonly type: 'run'; readonly session: SessionSeed; readonly phase: Phase; readonly replaceDetails: boolean; readonly record: Run }
  | { readonly type: 'trace'; readonly session: SessionSeed; readonly phase: Phase; readonly replaceDetails: boolean; readonly record: TraceRecord }
  | { readonly type: 'span'; readonly session: SessionSeed; readonly phase: Phase; readonly replaceDetails: boolean; readonly record: Span }
  | { readonly type: 'edit'; readonly session: SessionSeed; readonly edit: HistoryEdit }
  | SessionKeyOp

/** A `sessionKey` write (see `WriteOp`). */
export interface SessionKeyOp {
  readonly type: 'sessionKey'
  readonly session: SessionSeed
  readonly key: string
  readonly value: string | null
  readonly expect?: string | null | undefined
}

/** Whether an op takes a `seq` (messages and tool calls do). */
export const takesSeq = (op: WriteOp): op is RecordOp => op.type === 'message' || op.type === 'toolCall'

/**
 * Per write of a batch: a message or tool call, the `seq` it was given; an `edit`, the seq of
 * its first appended record (0 when it appends none; the others follow consecutively); a
 * `sessionKey`, 1 when it was applied and 0 when its `expect` did not hold; 0 for the rest.
 */
export type WriteResult = readonly number[]

/** `listSessions` after defaults: a concrete limit. */
export interface SessionListing extends ListSessionsQuery {
  readonly limit: number
}

/** `searchMessages` after validation: the words to find (non-empty), a concrete limit and offset. */
export interface SearchListing {
  /** The words of the query: letters and digits only, lower case, at least one. */
  readonly words: readonly string[]
  /** The query as the caller wrote it, for engines that parse it themselves (bound, never spliced). */
  readonly text: string
  readonly userId?: string | undefined
  readonly agentId?: string | undefined
  readonly sessionId?: string | undefined
  readonly limit: number
  readonly offset: number
}

/**
 * One batch of `pruneSessions`: up to `limit` sessions meeting every given condition (times
 * as ISO-8601 UTC), in id order after `afterId`; deleted with everything of theirs in one
 * transaction unless `dryRun`. Returns the sessions selected.
 */
export interface PruneBatch {
  readonly endedBefore?: string | undefined
  readonly inactiveSince?: string | undefined
  readonly userId?: string | undefined
  readonly afterId: string | null
  readonly limit: number
  readonly dryRun: boolean
}

/**
 * One session and everything of it, as an export carries it, for `importSession`: the store
 * writes what it does not hold yet, keeping every id, `seq` and timestamp, in one transaction.
 */
export interface SessionBundle {
  readonly session: Session
  readonly messages: readonly Message[]
  readonly toolCalls: readonly ToolCall[]
  readonly agentStates: readonly AgentState[]
  readonly runs: readonly Run[]
  readonly traces: readonly TraceRecord[]
  readonly spans: readonly Span[]
  readonly sessionKeys: readonly SessionKey[]
}

/** What `importSession` wrote: records added, and those already stored (left as they were). */
export interface ImportOutcome {
  readonly added: number
  readonly skipped: number
}

/**
 * The store protocol, in its synchronous form. Every store implements it either synchronously
 * (`SyncStore`: memory, SQLite) or asynchronously (`Store`: every method returns a promise).
 *
 * `write` is atomic: all of a batch commits or none does. Writes are idempotent by record id:
 * a record whose id is already stored is left as it is.
 * Reads of a session that does not exist give null or empty arrays. `close` may be called
 * more than once; the runtime (`core/runtime.ts`) calls nothing else after it.
 */
export interface StoreMethods {
  write(ops: readonly WriteOp[]): WriteResult
  getSession(sessionId: string): Session | null
  listSessions(query: SessionListing): Page<Session>
  getMessages(sessionId: string, query: HistoryQuery): readonly Message[]
  getToolCalls(sessionId: string, query: HistoryQuery): readonly ToolCall[]
  getTimeline(sessionId: string, query: HistoryQuery): readonly TimelineItem[]
  getAgentStates(sessionId: string): readonly AgentState[]
  /** A session's runs, newest first (`limit` of them). */
  getRuns(sessionId: string, query: RunQuery): readonly Run[]
  /** Traces newest first, each with its spans in start order; filtered by session or user. */
  getTraces(query: TraceQuery): readonly Trace[]
  /** Deletes a session with everything that belongs to it: messages, tool calls, agent states, runs, traces, spans. */
  deleteSession(sessionId: string): boolean
  /** Messages matching the words, best match first (ties by session and seq), one page. */
  searchMessages(query: SearchListing): readonly SearchHit[]
  /** One batch of a prune (see `PruneBatch`). */
  pruneSessions(batch: PruneBatch): readonly Session[]
  /**
   * Writes a session and its records as they are (ids, seqs, timestamps), skipping what is
   * stored by id, and raises the session's seq counter to at least the greatest seq written.
   * A seq taken by a different record fails the call with `StoreError` `IMPORT_CONFLICT` and
   * writes nothing of the session.
   */
  importSession(bundle: SessionBundle): ImportOutcome
  /** The value a `sessionKey` write left under `key` for the session, or null. */
  getSessionKey(sessionId: string, key: string): string | null
  /** Every key of the session, by name (what an export carries). */
  getSessionKeys(sessionId: string): readonly SessionKey[]
  /** How many records the store holds, by kind. */
  stats(): StoreStats
  /** What the store runs with, read back from its connection. */
  info(): StoreInfo
  close(): void
}

/** A store whose methods return their results directly. */
export type SyncStore = StoreMethods

/** A store whose methods return promises. */
export type Store = {
  readonly [K in keyof StoreMethods]: (...args: Parameters<StoreMethods[K]>) => Promise<ReturnType<StoreMethods[K]>>
}

/** What a backend can do, declared so that the conformance suite tests the rest for typed errors. */
export interface Capabilities {
  /** The synchronous `on*` surface works. */
  readonly syncSurface: boolean
  /** The read API works (a user store may implement writes only). */
  readonly reads: boolean
  /** Data outlives `close()` and is seen by a second `PraisonAIDB` on the same target. */
  readonly persistent: boolean
  /**
   * `searchMessages`, `pruneSessions`, `importRecords`/`exportSessions` and `stats` work
   * (default: as `reads`; a user store needs their methods).
   */
  readonly operations?: boolean
  /**
   * `editHistory` and session keys (`setSessionKey`/`getSessionKey`) work (default true; a
   * user store has none, and refuses them with `ConfigError` `CAPABILITY_MISSING`).
   */
  readonly historyEdit?: boolean
  /**
   * `db.forUser()` works: the store checks a session's user inside its own write (default
   * true; false for user stores, which cannot).
   */
  readonly userScopes?: boolean
}

/**
 * How `PraisonAIDB` opens a store, built once per instance from a URL, options or a user store.
 * `open`/`openSync` may be called again after the stores they returned are closed (re-open).
 */
export interface Backend {
  /** Human-readable target with any password removed; safe for errors and logs. */
  readonly description: string
  /**
   * What tells this store's data apart where `description` does not say it all (a key
   * prefix), password removed: a spool keeps each identity's writes apart. Default: `description`.
   */
  readonly identity?: string
  readonly capabilities: Capabilities
  /** Most writes per `write` call; 1 where a batch would not be atomic (user stores). */
  readonly maxBatch: number
  /**
   * False where a write costs no commit (process memory): hooks then write directly instead
   * of through group commit, and nothing is retried (default true).
   */
  readonly groupCommit?: boolean
  /**
   * Most write batches group commit has in flight at once (default 1). Above 1, the store
   * writes one batch while the calling thread prepares the next: batches in flight never share
   * a session (`WriteQueue`), and the store must keep the writes of a session in the order they
   * reach it (one connection in order, or locks on the session's row).
   */
  readonly writesInFlight?: number
  /**
   * True for a store across a network: a reply may never come (a paused server, a silent
   * network), so the runtime bounds each attempt by what is left of `retryDeadlineMs`. A local
   * store bounds its own waits (SQLite's busy timeout).
   */
  readonly network?: boolean
  /**
   * Where the surfaces run when not on the calling thread. `async: 'sync'`: the async surface
   * runs `openSync()` in a worker thread (a synchronous driver must not block the event loop).
   * `sync: 'bridge'`: the sync surface runs `open()` in a worker and blocks on its answers.
   * `inlineReads` (with `async: 'sync'`): small reads of the async surface run on an
   * `openSync()` store of the calling thread instead, where one costs less than a thread hop.
   */
  readonly threads?: { readonly async?: 'sync'; readonly sync?: 'bridge'; readonly inlineReads?: boolean }
  open(): Promise<Store>
  /**
   * Opens the synchronous surface's store; absent where there is none (the facade then throws
   * `ConfigError` `CAPABILITY_MISSING`), or where `threads.sync` bridges to `open()` instead.
   */
  openSync?(): SyncStore
}

/** Wraps a synchronous store as an asynchronous one that runs on the calling thread. */
export function inlineStore(sync: SyncStore): Store {
  const settle = <T>(run: () => T): Promise<T> => {
    try {
      return Promise.resolve(run())
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }
  return {
    write: (ops) => settle(() => sync.write(ops)),
    getSession: (id) => settle(() => sync.getSession(id)),
    listSessions: (query) => settle(() => sync.listSessions(query)),
    getMessages: (id, query) => settle(() => sync.getMessages(id, query)),
    getToolCalls: (id, query) => settle(() => sync.getToolCalls(id, query)),
    getTimeline: (id, query) => settle(() => sync.getTimeline(id, query)),
    getAgentStates: (id) => settle(() => sync.getAgentStates(id)),
    getRuns: (id, query) => settle(() => sync.getRuns(id, query)),
    getTraces: (query) => settle(() => sync.getTraces(query)),
    deleteSession: (id) => settle(() => sync.deleteSession(id)),
    searchMessages: (query) => settle(() => sync.searchMessages(query)),
    pruneSessions: (batch) => settle(() => sync.pruneSessions(batch)),
    importSession: (bundle) => settle(() => sync.importSession(bundle)),
    getSessionKey: (id, key) => settle(() => sync.getSessionKey(id, key)),
    getSessionKeys: (id) => settle(() => sync.getSessionKeys(id)),
    stats: () => settle(() => sync.stats()),
    info: () => settle(() => sync.info()),
    close: () => settle(() => sync.close()),
  }
}

/** Both surfaces on one store instance, closed when the last surface closes. */
export function sharedOpeners(connect: () => SyncStore): Pick<Backend, 'open' | 'openSync'> {
  let shared: SyncStore | undefined
  let users = 0
  const acquire = (): SyncStore => {
    shared ??= connect()
    users += 1
    const store = shared
    let released = false
    return {
      write: (ops) => store.write(ops),
      getSession: (id) => store.getSession(id),
      listSessions: (query) => store.listSessions(query),
      getMessages: (id, query) => store.getMessages(id, query),
      getToolCalls: (id, query) => store.getToolCalls(id, query),
      getTimeline: (id, query) => store.getTimeline(id, query),
      getAgentStates: (id) => store.getAgentStates(id),
      getRuns: (id, query) => store.getRuns(id, query),
      getTraces: (query) => store.getTraces(query),
      deleteSession: (id) => store.deleteSession(id),
      searchMessages: (query) => store.searchMessages(query),
      pruneSessions: (batch) => store.pruneSessions(batch),
      importSession: (bundle) => store.importSession(bundle),
      getSessionKey: (id, key) => store.getSessionKey(id, key),
      getSessionKeys: (id) => store.getSessionKeys(id),
      stats: () => store.stats(),
      info: () => store.info(),
      close: () => {
        if (released) return
        released = true
        users -= 1
        if (users === 0) {
          shared = undefined
          store.close()
        }
      },
    }
  }
  return { open: () => Promise.resolve(inlineStore(acquire())), openSync: acquire }
}
