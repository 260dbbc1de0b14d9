import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { StoreUnavailableError } from '../errors.js'
import { forwardingStore, type SyncStore } from '../store.js'
import { deserializeError, type Method, type Response, type WorkerInit, type WorkerSpec } from './protocol.js'

const WORKER_URL = new URL('./worker-main.js', import.meta.url)

/**
 * The synchronous surface over an asynchronous store (`openSyncBridge`): a worker runs the async driver and the
 * calling thread blocks on `Atomics.wait` until the answer is posted — synchronous, as the
 * caller asked, with the same typed errors. A call that takes longer than `timeoutMs` throws
 * `StoreUnavailableError` (code `TIMEOUT`); its late answer is discarded.
 */
class SyncBridge {
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

  call(method: Method, args: readonly unknown[]): unknown {
    const id = this.#nextId++
    Atomics.store(this.#signal, 0, 0)
    this.#worker.postMessage({ id, handle: 0, method, args })
    const deadline = Date.now() + this.#timeoutMs
    for (;;) {
      const message = receiveMessageOnPort(this.#port)
      if (message !== undefined) {
        const response = message.message as Response
        if (response.id !== id) continue // the late answer of a call that timed out
        if (response.ok) return response.value
        throw deserializeError(response.error)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new StoreUnavailableError('TIMEOUT', `the store did not answer ${method} within ${this.#timeoutMs} ms`)
      Atomics.wait(this.#signal, 0, 0, left)
      Atomics.store(this.#signal, 0, 0)
    }
  }

  /** Closes the store in the worker (blocking), then ends the worker. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    try {
      this.call('close', [])
    } finally {
      this.#port.close()
      void this.#worker.terminate()
    }
  }
}

/** A synchronous store whose calls block on a worker running the store `spec` describes. */
export function openSyncBridge(spec: WorkerSpec, timeoutMs: number): SyncStore {
  const bridge = new SyncBridge(spec, timeoutMs)
  return forwardingStore<SyncStore>((method, args) => (method === 'close' ? bridge.close() : bridge.call(method, args)))
}
