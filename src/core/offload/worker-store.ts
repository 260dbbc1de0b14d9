import type { Store, StoreMethods, WriteResult } from '../store.js'
import { encodeOps } from './op-codec.js'
import type { Method, WorkerOpen, WorkerSpec } from './protocol.js'
import { StoreThread } from './store-thread.js'

/**
 * A store that lives in a worker thread — the Node counterpart of Python's `asyncio.to_thread`:
 * a synchronous driver (better-sqlite3) blocks that thread, never the event loop. Calls are
 * messages; results and typed errors come back as messages.
 *
 * The library's own stores (a URL spec) live on the process's shared store thread, and a
 * write's batch crosses as JSON text, which costs the event loop far less than cloning
 * hundreds of small objects (see `encodeOps`). Results stay clones: for a read of 50
 * messages, JSON on both sides measured slower than the clone. A user store module gets a
 * thread of its own.
 */
export class WorkerStore implements Store {
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

  /** The thread's id (tests use it to show the store runs off the main thread). */
  get threadId(): number {
    return this.#thread.threadId
  }

  #call<K extends Method>(method: K, args: Parameters<StoreMethods[K]>): Promise<ReturnType<StoreMethods[K]>> {
    return this.#thread.send({ handle: this.#handle, method, args }) as Promise<ReturnType<StoreMethods[K]>>
  }

  write: Store['write'] = (ops) => {
    if (this.#ownThread) return this.#call('write', [ops])
    return this.#thread.send({ handle: this.#handle, method: 'write', ops: encodeOps(ops) }) as Promise<WriteResult>
  }
  getSession: Store['getSession'] = (...args) => this.#call('getSession', args)
  listSessions: Store['listSessions'] = (...args) => this.#call('listSessions', args)
  getMessages: Store['getMessages'] = (...args) => this.#call('getMessages', args)
  getToolCalls: Store['getToolCalls'] = (...args) => this.#call('getToolCalls', args)
  getTimeline: Store['getTimeline'] = (...args) => this.#call('getTimeline', args)
  getAgentStates: Store['getAgentStates'] = (...args) => this.#call('getAgentStates', args)
  deleteSession: Store['deleteSession'] = (...args) => this.#call('deleteSession', args)

  /** Closes the store in its thread; ends the thread if it was this store's own. */
  async close(): Promise<void> {
    try {
      if (!this.#thread.stopped) await this.#call('close', [])
    } finally {
      if (this.#ownThread) await this.#thread.terminate()
    }
  }
}
