import { Worker } from 'node:worker_threads'
import { StoreUnavailableError } from '../errors.js'
import type { Store, StoreMethods, WriteResult } from '../store.js'
import { encodeOps } from './op-codec.js'
import { deserializeError, type Method, type Request, type Response, type WorkerInit, type WorkerSpec, type WorkerOpen } from './protocol.js'

const WORKER_URL = new URL('./worker-main.js', import.meta.url)

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * A store that lives in a `worker_threads` worker — the Node counterpart of Python's
 * `asyncio.to_thread`: a synchronous driver (better-sqlite3) blocks that thread, never the
 * event loop. Calls are messages; results and typed errors come back as messages. The worker
 * keeps the process alive only while calls are pending.
 *
 * For the library's own stores (a URL spec) a write's batch crosses as JSON text, which costs
 * the event loop far less than cloning hundreds of small objects (see `encodeOps`). Results
 * stay clones: for a read of 50 messages, JSON on both sides measured slower than the clone.
 */
export class WorkerStore implements Store {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  readonly #encodeWrites: boolean
  #nextId = 1
  #exited: Error | undefined

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#encodeWrites = spec.kind === 'url'
    const init: WorkerInit = { spec, open }
    this.#worker = new Worker(WORKER_URL, { workerData: init })
    this.#worker.unref()
    this.#worker.on('message', (response: Response) => this.#settle(response))
    this.#worker.on('error', (error) => this.#fail(error))
    this.#worker.on('exit', (code) => this.#fail(new Error(`store worker exited with code ${code}`)))
  }

  /** The worker's thread id (tests use it to show the store runs off the main thread). */
  get threadId(): number {
    return this.#worker.threadId
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
    this.#exited ??= error
    for (const pending of this.#pending.values()) pending.reject(new StoreUnavailableError('STORE_UNAVAILABLE', 'the store worker stopped', { cause: error }))
    this.#pending.clear()
  }

  #call<K extends Method>(method: K, args: Parameters<StoreMethods[K]>): Promise<ReturnType<StoreMethods[K]>> {
    return this.#send((id) => ({ id, method, args })) as Promise<ReturnType<StoreMethods[K]>>
  }

  #send(request: (id: number) => Request): Promise<unknown> {
    if (this.#exited) return Promise.reject(new StoreUnavailableError('STORE_UNAVAILABLE', 'the store worker stopped', { cause: this.#exited }))
    return new Promise((resolve, reject) => {
      const id = this.#nextId++
      const message = request(id)
      if (this.#pending.size === 0) this.#worker.ref()
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage(message)
    })
  }

  write: Store['write'] = (ops) => {
    if (!this.#encodeWrites) return this.#call('write', [ops])
    return this.#send((id) => ({ id, method: 'write', ops: encodeOps(ops) })) as Promise<WriteResult>
  }
  getSession: Store['getSession'] = (...args) => this.#call('getSession', args)
  listSessions: Store['listSessions'] = (...args) => this.#call('listSessions', args)
  getMessages: Store['getMessages'] = (...args) => this.#call('getMessages', args)
  getToolCalls: Store['getToolCalls'] = (...args) => this.#call('getToolCalls', args)
  getTimeline: Store['getTimeline'] = (...args) => this.#call('getTimeline', args)
  getAgentStates: Store['getAgentStates'] = (...args) => this.#call('getAgentStates', args)
  deleteSession: Store['deleteSession'] = (...args) => this.#call('deleteSession', args)

  /** Closes the store in the worker, then ends the worker. */
  async close(): Promise<void> {
    try {
      if (!this.#exited) await this.#call('close', [])
    } finally {
      await this.#worker.terminate()
    }
  }
}
