import { inspect } from 'node:util'
import { ConfigError, ValidationError, quote } from './errors.js'
import {
  agentStateOp, isObjectForm, messageOp, toolCallOp,
  type AgentEventArgs, type MessageArgs, type ToolCallArgs,
} from './hook-args.js'
import { StoreModule } from './offload/threads.js'
import type {
  AgentState, HistoryQuery, ListSessionsQuery, Message, Page, Session, TimelineItem, ToolCall,
} from './records.js'
import { retryUntil, retryUntilSync } from './retry.js'
import type { Backend, SessionListing, Store, SyncStore, WriteOp } from './store.js'
import { flushBeforeExit } from './exit-flush.js'
import { resolveTarget, type SplitTarget } from './targets.js'
import type { UserStore } from './user-store.js'
import { checkLimit, checkSeq, checkSessionId } from './validate.js'
import { WriteQueue } from './write-queue.js'
import type { StoreOptions } from '../stores/registry.js'

/** Options of `PraisonAIDB`; store options may also be given in the URL's query. */
export interface PraisonAIDBOptions extends StoreOptions {
  /** How long a write is retried while the store is unreachable, in ms (default 15 000). */
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

/** When a hook's promise resolves: after its commit, or once it is queued. */
export type Durability = 'durable' | 'buffered'


const noop = (): void => undefined
const DEFAULT_LIST_LIMIT = 50
const MAX_LIST_LIMIT = 1000

interface AsyncSide {
  readonly store: Store
  readonly queue: WriteQueue
  /** Writes one op: through group commit, or straight to a store that has no commit to share. */
  readonly push: (op: WriteOp) => Promise<void>
}

function normaliseHistory(query: HistoryQuery | undefined): HistoryQuery {
  if (query === undefined) return {}
  if (typeof query !== 'object' || query === null) throw new ValidationError('FIELD_INVALID', `history query must be an object, got ${quote(query)}`)
  return { limit: checkLimit('limit', query.limit), beforeSeq: checkSeq('beforeSeq', query.beforeSeq), afterSeq: checkSeq('afterSeq', query.afterSeq) }
}

function normaliseListing(query: ListSessionsQuery | undefined): SessionListing {
  const q = query ?? {}
  const limit = checkLimit('limit', q.limit) ?? DEFAULT_LIST_LIMIT
  if (limit > MAX_LIST_LIMIT) throw new ValidationError('FIELD_INVALID', `limit must be at most ${MAX_LIST_LIMIT}, got ${limit}`)
  if (q.cursor !== undefined && q.cursor !== null && typeof q.cursor !== 'string') throw new ValidationError('FIELD_INVALID', `cursor must be a string from nextCursor, got ${quote(q.cursor)}`)
  return {
    limit,
    userId: q.userId === undefined ? undefined : checkSessionIdLike('userId', q.userId),
    agentId: q.agentId === undefined ? undefined : checkSessionIdLike('agentId', q.agentId),
    cursor: q.cursor ?? null,
  }
}

const isMissingReads = (error: unknown): boolean => error instanceof ConfigError && error.code === 'CAPABILITY_MISSING'

/** The prior messages for a resume; a store that cannot read (a write-only user store) resumes nothing. */
async function resumeHistory(read: () => Promise<readonly Message[]>): Promise<readonly Message[]> {
  try {
    return await read()
  } catch (error) {
    if (isMissingReads(error)) return []
    throw error
  }
}

function resumeHistorySync(read: () => readonly Message[]): readonly Message[] {
  try {
    return read()
  } catch (error) {
    if (isMissingReads(error)) return []
    throw error
  }
}

function checkSessionIdLike(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError('FIELD_INVALID', `${field} must be a non-empty string, got ${quote(value)}`)
  return value
}

/**
 * Durable memory for an agent: lifecycle hooks that persist every step to a store.
 *
 * Construct it from a URL (`sqlite:///agent_data.db`, `postgresql://…`, `memory:`), a bare
 * `*.db` path, or a user store object. Nothing is opened until the first hook. The `aon*`
 * hooks resolve once their write is committed; concurrent hooks share commits (group
 * commit). The `on*` twins do the same synchronously. `aclose()`/`close()` release
 * everything; a hook after that opens the store again.
 *
 * @throws ConfigError from the constructor when the target or an option is invalid.
 */
export class PraisonAIDB implements AsyncDisposable, Disposable {
  readonly #backend: Backend
  readonly #retryDeadlineMs: number
  readonly #maxBatch: number
  readonly #buffered: boolean
  #failures: unknown[] = []
  #stopFlushOnExit: (() => void) | undefined
  #async: AsyncSide | undefined
  #opening: Promise<AsyncSide> | undefined
  #sync: SyncStore | undefined
  #closing: Promise<void> | undefined
  readonly #background = new Set<Promise<void>>()

  constructor(target: string | UserStore | StoreModule | SplitTarget, options: PraisonAIDBOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ConfigError('OPTION_INVALID', `options must be an object, got ${quote(options)}`)
    const { reader, build } = resolveTarget(target, options)
    this.#retryDeadlineMs = reader.integer('retryDeadlineMs', 15_000, 0, 3_600_000)
    const maxBatch = reader.integer('maxBatchSize', 1000, 1, 100_000)
    this.#buffered = reader.choice<Durability>('durability', ['durable', 'buffered'], 'durable') === 'buffered'
    const syncTimeoutMs = reader.integer('syncTimeoutMs', this.#retryDeadlineMs + 30_000, 1, 3_600_000)
    this.#backend = build(syncTimeoutMs)
    this.#maxBatch = Math.min(maxBatch, this.#backend.maxBatch)
    reader.finish(this.#backend.description)
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

  // ---- opening and closing -------------------------------------------------------------

  #openAsync(): Promise<AsyncSide> {
    if (this.#async !== undefined) return Promise.resolve(this.#async)
    this.#opening ??= (async () => {
      if (this.#closing) await this.#closing
      const store = await retryUntil(() => this.#backend.open(), this.#retryDeadlineMs)
      const queue = new WriteQueue((ops) => retryUntil(() => store.write(ops), this.#retryDeadlineMs), this.#maxBatch)
      const push = this.#backend.groupCommit === false
        ? (op: WriteOp) => store.write([op]).then(noop)
        : (op: WriteOp) => queue.push(op)
      const side: AsyncSide = { store, queue, push }
      this.#async = side
      return side
    })().finally(() => { this.#opening = undefined })
    return this.#opening
  }

  #openSync(): SyncStore {
    if (this.#sync) return this.#sync
    if (this.#backend.openSync === undefined) {
      throw new ConfigError('CAPABILITY_MISSING', `${this.#backend.description} has no synchronous surface; use the aon* hooks and the async reads`)
    }
    this.#sync = this.#backend.openSync()
    return this.#sync
  }

  /**
   * Waits for pending writes, then closes every connection, pool and worker. Concurrent and
   * repeated calls share one promise. A hook called afterwards opens the store again.
   */
  aclose(): Promise<void> {
    this.#closing ??= this.#shutdown().finally(() => { this.#closing = undefined })
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    const errors: unknown[] = []
    if (this.#opening) await this.#opening.catch(() => undefined) // its failure was reported to its caller
    await this.#detachAsync().catch((error: unknown) => { errors.push(error) })
    await Promise.all([...this.#background]) // closes started by close(); their errors were warned
    this.#stopFlushOnExit?.()
    this.#stopFlushOnExit = undefined
    errors.push(...this.#failures)
    this.#failures = []
    try {
      this.#closeSync()
    } catch (error) {
      errors.push(error)
    }
    if (errors.length > 0) throw errors[0]
  }

  /** Takes the async side out of use (a later hook opens a new one), drains and closes it. */
  async #detachAsync(): Promise<void> {
    const side = this.#async
    this.#async = undefined
    if (side === undefined) return
    await side.queue.drain()
    await side.store.close()
  }

  #closeSync(): void {
    const sync = this.#sync
    this.#sync = undefined
    sync?.close()
  }

  /**
   * Closes synchronously. The async surface's pending writes still commit: its store is
   * closed in the background once they have (`aclose()` waits for that too). A hook
   * called afterwards opens the store again.
   */
  close(): void {
    if (this.#async) {
      const closing = this.#detachAsync()
        .catch((error: unknown) => {
          process.emitWarning(`agentdb: closing ${this.#backend.description} failed: ${error instanceof Error ? error.message : String(error)}`)
        })
        .finally(() => this.#background.delete(closing))
      this.#background.add(closing)
    }
    this.#closeSync()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose()
  }

  [Symbol.dispose](): void {
    this.close()
  }

  // ---- async hooks -------------------------------------------------------------------

  #push(op: WriteOp): Promise<void> {
    const side = this.#async
    if (side === undefined) return this.#openAsync().then(() => this.#push(op))
    const committed = side.push(op)
    if (!this.#buffered) return committed
    this.#stopFlushOnExit ??= flushBeforeExit(this)
    committed.catch((error: unknown) => { this.#failures.push(error) })
    return Promise.resolve()
  }

  /**
   * Resolves once every write made so far is committed. With `durability: "buffered"` it
   * rejects with the first write that failed since the last flush (the others are reported
   * as its `errors` when there are several).
   */
  async flush(): Promise<void> {
    const side = this.#async
    if (side) await side.queue.drain()
    const failures = this.#failures
    this.#failures = []
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} buffered writes failed`)
  }

  /**
   * Records that an agent started in a session, creating the session if absent (repeat
   * calls are harmless), and resolves to the session's prior messages in order (resume).
   * @throws ValidationError before anything is written when an argument is invalid.
   * @throws StoreUnavailableError when the store stayed unreachable for `retryDeadlineMs`.
   * @throws StoreError when the store refused the write.
   */
  aonAgentStart(args: AgentEventArgs): Promise<readonly Message[]>
  aonAgentStart(sessionId: string, name: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<readonly Message[]>
  async aonAgentStart(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<readonly Message[]> {
    const op = agentStateOp('started', isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata })
    await this.#push(op)
    if (this.#buffered) await this.flush() // resume must see everything written before it
    return resumeHistory(() => (this.#async!).store.getMessages(op.session.id, {}))
  }

  /** Stores a user message. Same errors as `aonAgentStart`. */
  aonUserMessage(args: MessageArgs): Promise<void>
  aonUserMessage(sessionId: string, content: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void>
  aonUserMessage(first: string | MessageArgs, content?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void> {
    try {
      return this.#push(messageOp('user', isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  /** Stores an agent (assistant) message. Same errors as `aonAgentStart`. */
  aonAgentMessage(args: MessageArgs): Promise<void>
  aonAgentMessage(sessionId: string, content: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void>
  aonAgentMessage(first: string | MessageArgs, content?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void> {
    try {
      return this.#push(messageOp('assistant', isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  /** Stores a tool execution (arguments, result). Same errors as `aonAgentStart`. */
  aonToolCall(args: ToolCallArgs): Promise<void>
  aonToolCall(sessionId: string, toolName: string, args: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Readonly<Record<string, unknown>> | null): Promise<void>
  aonToolCall(first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Readonly<Record<string, unknown>> | null): Promise<void> {
    try {
      return this.#push(toolCallOp(isObjectForm(first) ? first : { sessionId: first, toolName: toolName as string, arguments: args as Readonly<Record<string, unknown>>, result, metadata }))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  /** Records that an agent ended; sets the session's `endedAt`. Same errors as `aonAgentStart`. */
  aonAgentEnd(args: AgentEventArgs): Promise<void>
  aonAgentEnd(sessionId: string, name: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void>
  aonAgentEnd(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): Promise<void> {
    try {
      return this.#push(agentStateOp('ended', isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata }))
    } catch (error) {
      return Promise.reject(error as Error)
    }
  }

  // ---- sync hooks ----------------------------------------------------------------------

  #writeSync(op: WriteOp): void {
    const store = this.#openSync()
    retryUntilSync(() => store.write([op]), this.#retryDeadlineMs)
  }

  /** Synchronous twin of `aonAgentStart`: returns the session's prior messages. */
  onAgentStart(args: AgentEventArgs): readonly Message[]
  onAgentStart(sessionId: string, name: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): readonly Message[]
  onAgentStart(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): readonly Message[] {
    const op = agentStateOp('started', isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata })
    this.#writeSync(op)
    return resumeHistorySync(() => this.#openSync().getMessages(op.session.id, {}))
  }

  /** Synchronous twin of `aonUserMessage`. */
  onUserMessage(args: MessageArgs): void
  onUserMessage(sessionId: string, content: string, metadata?: Readonly<Record<string, unknown>> | null): void
  onUserMessage(first: string | MessageArgs, content?: string, metadata?: Readonly<Record<string, unknown>> | null): void {
    this.#writeSync(messageOp('user', isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }))
  }

  /** Synchronous twin of `aonAgentMessage`. */
  onAgentMessage(args: MessageArgs): void
  onAgentMessage(sessionId: string, content: string, metadata?: Readonly<Record<string, unknown>> | null): void
  onAgentMessage(first: string | MessageArgs, content?: string, metadata?: Readonly<Record<string, unknown>> | null): void {
    this.#writeSync(messageOp('assistant', isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }))
  }

  /** Synchronous twin of `aonToolCall`. */
  onToolCall(args: ToolCallArgs): void
  onToolCall(sessionId: string, toolName: string, args: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Readonly<Record<string, unknown>> | null): void
  onToolCall(first: string | ToolCallArgs, toolName?: string, args?: Readonly<Record<string, unknown>>, result?: unknown, metadata?: Readonly<Record<string, unknown>> | null): void {
    this.#writeSync(toolCallOp(isObjectForm(first) ? first : { sessionId: first, toolName: toolName as string, arguments: args as Readonly<Record<string, unknown>>, result, metadata }))
  }

  /** Synchronous twin of `aonAgentEnd`. */
  onAgentEnd(args: AgentEventArgs): void
  onAgentEnd(sessionId: string, name: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): void
  onAgentEnd(first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Readonly<Record<string, unknown>> | null): void {
    this.#writeSync(agentStateOp('ended', isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata }))
  }

  // ---- reads ---------------------------------------------------------------------------

  async #read<T>(run: (store: Store) => Promise<T>): Promise<T> {
    const side = this.#async ?? await this.#openAsync()
    return retryUntil(() => run(side.store), this.#retryDeadlineMs)
  }

  /** The session, or null when there is none. */
  getSession(sessionId: string): Promise<Session | null> {
    return this.#read((store) => store.getSession(checkSessionId(sessionId)))
  }

  /** Sessions newest first, filtered by user or agent; pass `nextCursor` back for the next page. */
  listSessions(query?: ListSessionsQuery): Promise<Page<Session>> {
    return this.#read((store) => store.listSessions(normaliseListing(query)))
  }

  /** A session's messages in order; `limit` keeps the last N. Empty when there is no such session. */
  getMessages(sessionId: string, query?: HistoryQuery): Promise<readonly Message[]> {
    return this.#read((store) => store.getMessages(checkSessionId(sessionId), normaliseHistory(query)))
  }

  /** A session's tool calls in order. */
  getToolCalls(sessionId: string, query?: HistoryQuery): Promise<readonly ToolCall[]> {
    return this.#read((store) => store.getToolCalls(checkSessionId(sessionId), normaliseHistory(query)))
  }

  /** A session's messages and tool calls interleaved by `seq`, each tagged with its kind. */
  getTimeline(sessionId: string, query?: HistoryQuery): Promise<readonly TimelineItem[]> {
    return this.#read((store) => store.getTimeline(checkSessionId(sessionId), normaliseHistory(query)))
  }

  /** The agents that started in a session, with their status. */
  getAgentStates(sessionId: string): Promise<readonly AgentState[]> {
    return this.#read((store) => store.getAgentStates(checkSessionId(sessionId)))
  }

  /** Deletes a session with all its messages, tool calls and agent states; false if there was none. */
  async deleteSession(sessionId: string): Promise<boolean> {
    const id = checkSessionId(sessionId)
    const side = this.#async ?? await this.#openAsync()
    await side.queue.drain() // writes pushed before the delete are deleted with it
    return retryUntil(() => side.store.deleteSession(id), this.#retryDeadlineMs)
  }

  /** Synchronous `getSession`. */
  getSessionSync(sessionId: string): Session | null {
    return this.#openSync().getSession(checkSessionId(sessionId))
  }

  /** Synchronous `listSessions`. */
  listSessionsSync(query?: ListSessionsQuery): Page<Session> {
    return this.#openSync().listSessions(normaliseListing(query))
  }

  /** Synchronous `getMessages`. */
  getMessagesSync(sessionId: string, query?: HistoryQuery): readonly Message[] {
    return this.#openSync().getMessages(checkSessionId(sessionId), normaliseHistory(query))
  }

  /** Synchronous `getToolCalls`. */
  getToolCallsSync(sessionId: string, query?: HistoryQuery): readonly ToolCall[] {
    return this.#openSync().getToolCalls(checkSessionId(sessionId), normaliseHistory(query))
  }

  /** Synchronous `getTimeline`. */
  getTimelineSync(sessionId: string, query?: HistoryQuery): readonly TimelineItem[] {
    return this.#openSync().getTimeline(checkSessionId(sessionId), normaliseHistory(query))
  }

  /** Synchronous `deleteSession`. */
  deleteSessionSync(sessionId: string): boolean {
    return this.#openSync().deleteSession(checkSessionId(sessionId))
  }

  toString(): string {
    return `${this.constructor.name}(${this.#backend.description})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
