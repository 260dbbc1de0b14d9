import { ConfigError, StoreError } from './errors.js'
import { flushBeforeExit } from './exit-flush.js'
import { retryUntil, retryUntilSync } from './retry.js'
import type { Backend, Store, SyncStore, WriteOp, WriteResult } from './store.js'
import { WriteQueue } from './write-queue.js'

/** What the runtime needs besides the backend. */
export interface RuntimeSettings {
  readonly retryDeadlineMs: number
  readonly maxBatch: number
  /** Hooks resolve once queued, not once committed (`durability: 'buffered'`). */
  readonly buffered: boolean
}

/** An opened async store and what is under way on it; closed once both are done. */
class AsyncSide {
  readonly store: Store
  readonly queue: WriteQueue
  readonly #inFlight = new Set<Promise<unknown>>()
  closed = false

  constructor(store: Store, queue: WriteQueue) {
    this.store = store
    this.queue = queue
  }

  /** Counts `work` as under way until it settles, so that a close waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work)
    const done = (): void => { this.#inFlight.delete(work) }
    work.then(done, done)
    return work
  }

  /** Waits for every queued write and tracked call, then closes the store. */
  async close(): Promise<void> {
    await this.queue.drain()
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    this.closed = true
    await this.store.close()
  }
}

const noop = (): void => undefined
const firstResult = (result: WriteResult): number => result[0] ?? 0

/**
 * The lifecycle of one `PraisonAIDB`'s stores, in one place: lazy open of each surface, group
 * commit, retries within the deadline, buffered durability, flush, and close. A store is
 * called only between its open and its close: work that started before a close finishes
 * first, and anything that reaches a closed store gets `StoreError` `STORE_CLOSED` from here,
 * so no store keeps a closed flag of its own. After a close the next call opens again (the
 * seed's behaviour).
 */
export class StoreRuntime {
  readonly #backend: Backend
  readonly #settings: RuntimeSettings
  #async: AsyncSide | undefined
  #opening: Promise<AsyncSide> | undefined
  #sync: SyncStore | undefined
  #closing: Promise<void> | undefined
  #failures: unknown[] = []
  #stopFlushOnExit: (() => void) | undefined
  readonly #background = new Set<Promise<void>>()

  constructor(backend: Backend, settings: RuntimeSettings) {
    this.#backend = backend
    this.#settings = settings
  }

  /** Whether each attempt is bounded by the deadline (see `Backend.network`). */
  get #bounded(): boolean {
    return this.#backend.network === true
  }

  get description(): string {
    return this.#backend.description
  }

  // ---- async surface -------------------------------------------------------------------

  #side(): AsyncSide | Promise<AsyncSide> {
    if (this.#async !== undefined) return this.#async
    this.#opening ??= (async () => {
      if (this.#closing) await this.#closing
      const store = await retryUntil(() => this.#backend.open(), this.#settings.retryDeadlineMs, this.#bounded)
      const queue = new WriteQueue((ops) => retryUntil(() => store.write(ops), this.#settings.retryDeadlineMs, this.#bounded), this.#settings.maxBatch)
      this.#async = new AsyncSide(store, queue)
      return this.#async
    })().finally(() => { this.#opening = undefined })
    return this.#opening
  }

  /** Commits one op; resolves with its entry of the batch's `WriteResult`. */
  #commit(side: AsyncSide, op: WriteOp): Promise<number> {
    if (side.closed) return Promise.reject(this.#closedError())
    // A store whose writes cost no commit (process memory) is written directly; its write is
    // done when `write` returns (the store is synchronous), so a close has nothing to wait for.
    if (this.#backend.groupCommit === false) return side.store.write([op]).then(firstResult)
    return side.queue.push(op)
  }

  /**
   * Writes one op: resolves once committed, or once queued when buffered (failures then
   * surface from the next `flush()`/`aclose()`).
   */
  write(op: WriteOp): Promise<void> {
    const side = this.#side()
    if (side instanceof Promise) return side.then(() => this.write(op))
    const committed = this.#commit(side, op).then(noop)
    if (!this.#settings.buffered) return committed
    this.#buffer(committed)
    return Promise.resolve()
  }

  /**
   * Writes one op and resolves with its `WriteResult` entry once committed, whatever the
   * durability: the caller needs the outcome (an edit's seqs, a compare-and-set's answer).
   * It still goes through group commit, in call order with every other write of this process.
   */
  writeForResult(op: WriteOp): Promise<number> {
    const side = this.#side()
    if (side instanceof Promise) return side.then(() => this.writeForResult(op))
    return this.#commit(side, op)
  }

  /** Keeps a buffered write's failure for the next `flush()`/`aclose()`, and flushes before exit. */
  #buffer(committed: Promise<void>): void {
    this.#stopFlushOnExit ??= flushBeforeExit(this)
    committed.catch((error: unknown) => { this.#failures.push(error) })
  }

  /**
   * Writes one op, then reads on the same store once every write made so far has committed
   * (buffered ones too). Both are one unit of work on one store: a close in between waits
   * for the read rather than cutting it off.
   */
  async writeThenRead<T>(op: WriteOp, read: (store: Store) => Promise<T>): Promise<T> {
    const side = await this.#side()
    return side.track((async () => {
      if (this.#settings.buffered) {
        this.#buffer(this.#commit(side, op).then(noop))
        await side.queue.drain()
      } else {
        await this.#commit(side, op)
      }
      return this.#readOn(side, read)
    })())
  }

  /** Runs a read, retried within the deadline while the store is unreachable; `afterWrites` waits for queued writes first. */
  async read<T>(read: (store: Store) => Promise<T>, afterWrites = false): Promise<T> {
    const side = await this.#side()
    return side.track((async () => {
      if (afterWrites) await side.queue.drain()
      return this.#readOn(side, read)
    })())
  }

  #readOn<T>(side: AsyncSide, read: (store: Store) => Promise<T>): Promise<T> {
    if (side.closed) return Promise.reject(this.#closedError())
    return retryUntil(() => read(side.store), this.#settings.retryDeadlineMs, this.#bounded)
  }

  #closedError(): StoreError {
    return new StoreError('STORE_CLOSED', `${this.#backend.description} was closed while the call was under way`)
  }

  /**
   * Resolves once every write made so far is committed; with buffered durability rejects
   * with the first write that failed since the last flush (several: an `AggregateError`).
   */
  async flush(): Promise<void> {
    const side = this.#async
    if (side) await side.queue.drain()
    const failures = this.#failures
    this.#failures = []
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} buffered writes failed`)
  }

  // ---- sync surface --------------------------------------------------------------------

  #syncStore(): SyncStore {
    if (this.#sync) return this.#sync
    if (this.#backend.openSync === undefined) {
      throw new ConfigError('CAPABILITY_MISSING', `${this.#backend.description} has no synchronous surface; use the aon* hooks and the async reads`)
    }
    this.#sync = this.#backend.openSync()
    return this.#sync
  }

  /** Writes one op on the calling thread, retried within the deadline; returns its `WriteResult` entry. */
  writeSync(op: WriteOp): number {
    const store = this.#syncStore()
    return firstResult(retryUntilSync(() => store.write([op]), this.#settings.retryDeadlineMs))
  }

  /** Runs a read on the calling thread, retried within the deadline. */
  readSync<T>(read: (store: SyncStore) => T): T {
    const store = this.#syncStore()
    return retryUntilSync(() => read(store), this.#settings.retryDeadlineMs)
  }

  // ---- closing -------------------------------------------------------------------------

  /**
   * Waits for pending writes and calls, then closes every connection, pool and worker.
   * Concurrent and repeated calls share one promise.
   */
  aclose(): Promise<void> {
    this.#closing ??= this.#shutdown().finally(() => { this.#closing = undefined })
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    const errors: unknown[] = []
    if (this.#opening) await this.#opening.catch(noop) // its failure was reported to its caller
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

  /** Takes the async side out of use (a later call opens a new one), then closes it. */
  #detachAsync(): Promise<void> {
    const side = this.#async
    this.#async = undefined
    return side === undefined ? Promise.resolve() : side.close()
  }

  #closeSync(): void {
    const sync = this.#sync
    this.#sync = undefined
    sync?.close()
  }

  /**
   * Closes synchronously. The async surface's pending work still finishes: its store is
   * closed in the background once it has (`aclose()` waits for that too).
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
}
