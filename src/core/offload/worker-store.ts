import { forwardingStore, type Store, type WriteOp } from '../store.js'
import { encodeOps } from './op-codec.js'
import type { Method, WorkerOpen, WorkerSpec } from './protocol.js'
import { StoreThread } from './store-thread.js'

/**
 * A store that lives in a worker thread (`openWorkerStore`) — the Node counterpart of Python's `asyncio.to_thread`:
 * a synchronous driver (better-sqlite3) blocks that thread, never the event loop. Calls are
 * messages; results and typed errors come back as messages.
 *
 * The library's own stores (a URL spec) live on the process's shared store thread, and a
 * write's batch crosses as JSON text, which costs the event loop far less than cloning
 * hundreds of small objects (see `encodeOps`). Results stay clones: for a read of 50
 * messages, JSON on both sides measured slower than the clone. A user store module gets a
 * thread of its own.
 */
class WorkerStore {
  readonly #thread: StoreThread
  readonly #handle: number
  readonly #ownThread: boolean

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#ownThread = spec.kind !== 'url'
    this.#thread = this.#ownThread ? new StoreThread() : StoreThread.shared()
    this.#handle = this.#thread.newHandle()
    // Registers the store; it opens on the first call, whose error (if any) that call reports.
    this.#thread.send({ handle: this.#handle, method: 'open', spec, open }).catch(() => undefined)
  }

  call(method: Method, args: readonly unknown[]): Promise<unknown> {
    return this.#thread.send({ handle: this.#handle, method, args })
  }

  /** A batch of the library's own stores crosses as one JSON string (see above). */
  write(ops: readonly WriteOp[]): Promise<unknown> {
    if (this.#ownThread) return this.call('write', [ops])
    return this.#thread.send({ handle: this.#handle, method: 'write', ops: encodeOps(ops) })
  }

  /** Closes the store in its thread; ends the thread if it was this store's own. */
  async close(): Promise<void> {
    try {
      if (!this.#thread.stopped) await this.call('close', [])
    } finally {
      if (this.#ownThread) await this.#thread.terminate()
    }
  }
}

/** An asynchronous store living in a worker thread, built there from `spec` with `open`. */
export function openWorkerStore(spec: WorkerSpec, open: WorkerOpen): Store {
  const store = new WorkerStore(spec, open)
  return forwardingStore<Store>((method, args) => {
    if (method === 'close') return store.close()
    return method === 'write' ? store.write(args[0] as readonly WriteOp[]) : store.call(method, args)
  })
}
