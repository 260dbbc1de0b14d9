import { ConfigError, StoreError, StoreUnavailableError } from './errors.js'
import { flushBeforeExit } from './exit-flush.js'
import { MIN_ATTEMPT_MS, retryUntil, retryUntilSync, withinMs } from './retry.js'
import { lazyStore } from './spool/lazy-store.js'
import type { SpoolOpener, SpoolStatus } from './spool/spool-file.js'
import { Spool } from './spool/spool.js'
import type { Backend, Store, SyncStore, WriteOp, WriteResult } from './store.js'
import { WriteQueue } from './write-queue.js'

/** What the runtime needs besides the backend. */
export interface RuntimeSettings {
  readonly retryDeadlineMs: number
  readonly maxBatch: number
  /** Hooks resolve once queued, not once committed (`durability: 'buffered'`). */
  readonly buffered: boolean
  /** Where writes go while the store is unreachable (`spool` option), and how that file is opened. */
  readonly spool?: { readonly path: string; readonly open: SpoolOpener } | undefined
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
/** A store whose open finished after its attempt timed out: nobody will use it, so it is closed. */
const closeLate = (store: Store): void => { store.close().catch(noop) }
const same = (result: number): number => result

/** An op whose caller needs its outcome (an edit's seqs, a compare-and-set's answer): never spooled. */
const answerMatters = (op: WriteOp): boolean => op.type === 'edit' || op.type === 'sessionKey'
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
  /** Buffered writes until their outcome is known (a failure is in `#failures` once settled). */
  readonly #buffered = new Set<Promise<void>>()
  #stopFlushOnExit: (() => void) | undefined
  readonly #background = new Set<Promise<void>>()
  readonly #spool: Spool | undefined

  constructor(backend: Backend, settings: RuntimeSettings) {
    this.#backend = backend
    this.#settings = settings
    if (settings.spool !== undefined) {
      this.#spool = new Spool({
        path: settings.spool.path,
        target: backend.identity ?? backend.description,
        open: settings.spool.open,
        maxBatch: settings.maxBatch,
        holdMs: settings.retryDeadlineMs,
        replay: (ops) => this.#replay(ops),
      })
    }
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
      const spool = this.#spool
      // With a spool, an unreachable store must not fail the open: its writes go to the spool.
      const store = spool !== undefined
        ? lazyStore(() => this.#backend.open(), this.#backend.description)
        : await retryUntil(() => this.#backend.open(), this.#settings.retryDeadlineMs, this.#bounded, closeLate)
      const direct = (ops: readonly WriteOp[]): Promise<WriteResult> => retryUntil(() => store.write(ops), this.#settings.retryDeadlineMs, this.#bounded)
      // a spool replays and holds writes one batch at a time
      const inFlight = spool !== undefined ? 1 : this.#backend.writesInFlight ?? 1
      const queue = new WriteQueue(spool !== undefined ? (ops) => spool.write(ops, direct) : direct, this.#settings.maxBatch, inFlight)
      this.#async = new AsyncSide(store, queue)
      return this.#async
    })().finally(() => { this.#opening = undefined })
    return this.#opening
  }

  /**
   * Commits one op; resolves with what `done` makes of its `WriteResult` entry (a hook wants
   * nothing: one continuation either way, none added on the memory store's hot path).
   */
  #commit<T>(side: AsyncSide, op: WriteOp, done: (result: number) => T): Promise<T> {
    if (side.closed) return Promise.reject(this.#closedError())
    // A store whose writes cost no commit (process memory) is written directly; its write is
    // done when `write` returns (the store is synchronous), so a close has nothing to wait for.
    if (this.#backend.groupCommit === false) {
      // a hook wants nothing back: one continuation, no closure (the memory store's hot path)
      if ((done as unknown) === noop) return side.store.write([op]).then(noop as () => T)
      return side.store.write([op]).then((result) => done(result[0] ?? 0))
    }
    return side.queue.push(op).then(done)
  }

  /**
   * Writes one op: resolves once committed, or once queued when buffered (failures then
   * surface from the next `flush()`/`aclose()`).
   */
  write(op: WriteOp): Promise<void> {
    const side = this.#side()
    if (side instanceof Promise) return side.then(() => this.write(op))
    const committed = this.#commit(side, op, noop)
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
    if (this.#spool !== undefined) return this.#writeUnspooled(op)
    const side = this.#side()
    if (side instanceof Promise) return side.then(() => this.writeForResult(op))
    return this.#commit(side, op, same)
  }

  /**
   * `writeForResult` with a spool: the answer cannot wait for a replay, so the op is never
   * spooled. It comes after every write made so far (the queue drained, the spool replayed
   * within the deadline, else `SPOOL_PENDING`), then commits on its own, retried within the
   * deadline; an unreachable store rejects it with `StoreUnavailableError`.
   */
  async #writeUnspooled(op: WriteOp): Promise<number> {
    const side = await this.#side()
    return side.track((async () => {
      await side.queue.drain()
      await this.#spoolReplayed()
      if (side.closed) throw this.#closedError()
      return firstResult(await retryUntil(() => side.store.write([op]), this.#settings.retryDeadlineMs, this.#bounded))
    })())
  }

  /** Keeps a buffered write's failure for the next `flush()`/`aclose()`, and flushes before exit. */
  #buffer(committed: Promise<void>): void {
    this.#stopFlushOnExit ??= flushBeforeExit(this)
    const settled = committed.catch((error: unknown) => { this.#failures.push(error) })
    this.#buffered.add(settled)
    void settled.then(() => this.#buffered.delete(settled))
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
        this.#buffer(this.#commit(side, op, noop))
        await side.queue.drain()
      } else {
        await this.#commit(side, op, noop)
      }
      await this.#spoolReplayed()
      return this.#readOn(side, read)
    })())
  }

  /** Runs a read, retried within the deadline while the store is unreachable; `afterWrites` waits for queued writes first. */
  async read<T>(read: (store: Store) => Promise<T>, afterWrites = false): Promise<T> {
    const side = await this.#side()
    return side.track((async () => {
      if (afterWrites) {
        await side.queue.drain()
        await this.#spoolReplayed()
      }
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
   * With a spool, once every write spooled so far is replayed, or the store has taken none
   * of them for `#patienceMs` (then they stay spooled: `spoolStatus()` tells).
   */
  async flush(): Promise<void> {
    const side = this.#async
    if (side) await side.queue.drain()
    // the queue is drained once every write settled; their failures are kept a few steps later
    if (this.#buffered.size > 0) await Promise.all([...this.#buffered])
    if (this.#spool) {
      await this.#spool.drain(this.#patienceMs, true)
      this.#failures.push(...this.#spool.takeFailures())
    }
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

  /**
   * Writes one op on the calling thread, retried within the deadline (which also bounds a
   * network store's wait, see `retryUntilSync`), then spooled, with a spool; returns its
   * `WriteResult` entry. An op whose answer matters (an edit, a compare-and-set) is never
   * spooled: while the spool holds writes it fails with `SPOOL_PENDING`, and an unreachable
   * store fails it with `StoreUnavailableError`.
   */
  writeSync(op: WriteOp): number {
    let result = 0
    const direct = (ops: readonly WriteOp[]): void => {
      const store = this.#syncStore()
      result = firstResult(retryUntilSync(() => store.write(ops), this.#settings.retryDeadlineMs, this.#bounded))
    }
    if (this.#spool === undefined) direct([op])
    else if (!answerMatters(op)) this.#spool.writeSync([op], direct)
    else if (this.#spool.isSpooling()) throw this.#pendingError()
    else direct([op])
    return result
  }

  /**
   * Runs a read on the calling thread, retried within the deadline. `afterWrites`: the read must
   * see every write made so far, so it fails with `SPOOL_PENDING` while the spool holds writes
   * (the sync surface cannot wait for their replay; `flush()` replays them).
   */
  readSync<T>(read: (store: SyncStore) => T, afterWrites = false): T {
    if (afterWrites && this.#spool?.isSpooling() === true) throw this.#pendingError()
    const store = this.#syncStore()
    return retryUntilSync(() => read(store), this.#settings.retryDeadlineMs, this.#bounded)
  }

  // ---- spool ---------------------------------------------------------------------------

  /** How many writes wait in the spool and since when; null without a spool. */
  spoolStatus(): SpoolStatus | null {
    return this.#spool?.status() ?? null
  }

  /**
   * One attempt to write spooled ops to the store, bounded like every attempt on a network
   * store. While a close is under way no new store is opened for it (the spool keeps the writes).
   */
  async #replay(ops: readonly WriteOp[]): Promise<unknown> {
    const side = this.#async ?? (this.#closing ? undefined : await this.#side())
    if (side === undefined || side.closed) throw this.#closedError()
    return side.track(withinMs(side.store.write(ops), Math.max(MIN_ATTEMPT_MS, this.#settings.retryDeadlineMs)))
  }

  /**
   * How long `flush()` and `aclose()` wait for a replay that has stopped moving: as long as one
   * replay attempt may take. A replay that moves is waited for to its end, however long the
   * spool: it is what they are for, and the store is answering.
   */
  get #patienceMs(): number {
    return Math.max(MIN_ATTEMPT_MS, this.#settings.retryDeadlineMs)
  }

  /** Waits (within the deadline) until the spool holds no write made so far, for calls that must see every one of them. */
  async #spoolReplayed(): Promise<void> {
    if (this.#spool === undefined || await this.#spool.drain(this.#settings.retryDeadlineMs)) return
    throw this.#pendingError()
  }

  #pendingError(): StoreUnavailableError {
    const { pending, path } = this.#spool!.status()
    return new StoreUnavailableError('SPOOL_PENDING', `${pending} writes to ${this.#backend.description} wait in the spool ${path} and this call must come after them; the store has not taken them yet (flush() replays them)`)
  }

  /**
   * Before a close: replays the spool as `flush()` does (when this instance used it), then
   * stops its replay and closes the file. What the store did not take stays spooled for the
   * next open, and a warning says how much.
   */
  async #settleSpool(spool: Spool, errors: unknown[]): Promise<void> {
    const side = this.#async
    if (side !== undefined) await side.queue.drain()
    if (spool.isOpen && side !== undefined && !await spool.drain(this.#patienceMs, true)) {
      const { pending, path } = spool.status()
      process.emitWarning(`agentdb: ${pending} writes to ${this.#backend.description} stay in the spool ${path}; the next process that opens it replays them`)
    }
    await spool.stop()
    errors.push(...spool.takeFailures())
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
    if (this.#spool) await this.#settleSpool(this.#spool, errors).catch((error: unknown) => { errors.push(error) })
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
    this.#spool?.stopSoon()
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
