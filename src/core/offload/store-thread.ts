import type { EventLoopUtilization } from 'node:perf_hooks'
import type { Worker } from 'node:worker_threads'
import { StoreUnavailableError } from '../errors.js'
import { READY, deserializeError, type LoopStats, type Request, type Response, type WorkerInit } from './protocol.js'
import { startWorker, workerFailure } from './worker-options.js'

const WORKER_URL = new URL('./worker-main.js', import.meta.url)

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/** A request before the thread numbers it. */
export type Call = Request extends infer R ? R extends Request ? Omit<R, 'id'> : never : never

let shared: StoreThread | undefined

/**
 * A worker thread that hosts stores, each under a handle. The library's own SQLite stores
 * share one per process (`StoreThread.shared()`), so that the thread, its JIT-compiled code
 * and better-sqlite3's module stay warm across `PraisonAIDB` instances: a fresh thread per
 * instance measured ~35 % slower for its first ten thousand writes. A user store module gets
 * a thread of its own (its code may block), ended when the store closes.
 *
 * The thread keeps the process alive only while calls are pending. If it dies (or cannot
 * start), pending calls reject with `StoreUnavailableError` saying why, and `shared()`
 * starts a new one for the next call.
 */
export class StoreThread {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #nextHandle = 1
  #started = false
  #stopped: StoreUnavailableError | undefined

  constructor() {
    const init: WorkerInit = { kind: 'thread' }
    this.#worker = startWorker(WORKER_URL, { workerData: init })
    this.#worker.unref()
    this.#worker.on('message', (response: Response | typeof READY) => {
      if (response === READY) this.#started = true
      else this.#settle(response)
    })
    this.#worker.on('error', (error) => this.#fail(error))
    this.#worker.on('exit', (code) => this.#fail(new Error(`exited with code ${code}`)))
  }

  /** The process's shared thread, started on first use (again if it stopped). */
  static shared(): StoreThread {
    if (shared === undefined || shared.#stopped) shared = new StoreThread()
    return shared
  }

  /** The process's shared thread if one runs, without starting one (a diagnostic: `npm run bench`). */
  static current(): StoreThread | undefined {
    return shared === undefined || shared.#stopped ? undefined : shared
  }

  /** Whether the thread has stopped (crashed or terminated): its stores are gone with it. */
  get stopped(): boolean {
    return this.#stopped !== undefined
  }

  /** A handle no other store of this thread has. */
  newHandle(): number {
    return this.#nextHandle++
  }

  #settle(response: Response): void {
    const pending = this.#pending.get(response.id)
    if (pending === undefined) return
    this.#pending.delete(response.id)
    if (this.#pending.size === 0) this.#worker.unref()
    if (response.ok) pending.resolve(response.value)
    else pending.reject(deserializeError(response.error))
  }

  #fail(error: Error): void {
    this.#stopped ??= new StoreUnavailableError('STORE_UNAVAILABLE', workerFailure(error, this.#started), { cause: error })
    for (const pending of this.#pending.values()) pending.reject(this.#stopped)
    this.#pending.clear()
  }

  /** Sends one call and resolves to its answer, or rejects with the typed error it raised. */
  send(call: Call): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped)
    return new Promise((resolve, reject) => {
      const id = this.#nextId++
      if (this.#pending.size === 0) this.#worker.ref()
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage({ ...call, id })
    })
  }

  /** The thread's request-loop counters (a diagnostic: tests tell polling from waking by them). */
  loopStats(): Promise<LoopStats> {
    return this.send({ handle: 0, method: 'loopStats' }) as Promise<LoopStats>
  }

  /** How busy the thread's event loop has been (`Worker.performance.eventLoopUtilization`); polling counts as busy. */
  eventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization {
    return since === undefined ? this.#worker.performance.eventLoopUtilization() : this.#worker.performance.eventLoopUtilization(since)
  }

  /** Ends the thread (not the shared one's business: it idles, unreferenced). */
  async terminate(): Promise<void> {
    if (this === shared) shared = undefined
    await this.#worker.terminate()
  }
}
