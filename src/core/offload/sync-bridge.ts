import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { StoreUnavailableError } from '../errors.js'
import type { StoreMethods, SyncStore } from '../store.js'
import { deserializeError, type Method, type Response, type WorkerInit, type WorkerSpec } from './protocol.js'

const WORKER_URL = new URL('./worker-main.js', import.meta.url)

/**
 * The synchronous surface over an asynchronous store: a worker runs the async driver and the
 * calling thread blocks on `Atomics.wait` until the answer is posted — synchronous, as the
 * caller asked, with the same typed errors. A call that takes longer than `timeoutMs` throws
 * `StoreUnavailableError` (code `TIMEOUT`); its late answer is discarded.
 */
export class SyncBridge implements SyncStore {
  readonly #worker: Worker
  readonly #port: MessagePort
  readonly #signal = new Int32Array(new SharedArrayBuffer(4))
  readonly #timeoutMs: number
  #nextId = 1
  #closed = false

  constructor(spec: WorkerSpec, timeoutMs: number) {
    const { port1, port2 } = new MessageChannel()
    this.#port = port1
    this.#timeoutMs = timeoutMs
    const init: WorkerInit = { kind: 'bridge', spec, open: 'async', signal: this.#signal.buffer as SharedArrayBuffer, port: port2 }
    this.#worker = new Worker(WORKER_URL, { workerData: init, transferList: [port2] })
    this.#worker.unref()
    this.#port.unref()
  }

  get threadId(): number {
    return this.#worker.threadId
  }

  #call<K extends Method>(method: K, args: Parameters<StoreMethods[K]>): ReturnType<StoreMethods[K]> {
    const id = this.#nextId++
    Atomics.store(this.#signal, 0, 0)
    this.#worker.postMessage({ id, handle: 0, method, args })
    const deadline = Date.now() + this.#timeoutMs
    for (;;) {
      const message = receiveMessageOnPort(this.#port)
      if (message !== undefined) {
        const response = message.message as Response
        if (response.id !== id) continue // the late answer of a call that timed out
        if (response.ok) return response.value as ReturnType<StoreMethods[K]>
        throw deserializeError(response.error)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new StoreUnavailableError('TIMEOUT', `the store did not answer ${method} within ${this.#timeoutMs} ms`)
      Atomics.wait(this.#signal, 0, 0, left)
      Atomics.store(this.#signal, 0, 0)
    }
  }

  write: SyncStore['write'] = (...args) => this.#call('write', args)
  getSession: SyncStore['getSession'] = (...args) => this.#call('getSession', args)
  listSessions: SyncStore['listSessions'] = (...args) => this.#call('listSessions', args)
  getMessages: SyncStore['getMessages'] = (...args) => this.#call('getMessages', args)
  getToolCalls: SyncStore['getToolCalls'] = (...args) => this.#call('getToolCalls', args)
  getTimeline: SyncStore['getTimeline'] = (...args) => this.#call('getTimeline', args)
  getAgentStates: SyncStore['getAgentStates'] = (...args) => this.#call('getAgentStates', args)
  deleteSession: SyncStore['deleteSession'] = (...args) => this.#call('deleteSession', args)

  /** Closes the store in the worker (blocking), then ends the worker. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    try {
      this.#call('close', [])
    } finally {
      this.#port.close()
      void this.#worker.terminate()
    }
  }
}
