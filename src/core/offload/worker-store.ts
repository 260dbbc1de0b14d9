import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from '../records.js'
import type { ImportOutcome, PruneBatch, SearchListing, SessionBundle, SessionListing, Store, WriteOp, WriteResult } from '../store.js'
import { encodeOps } from './op-codec.js'
import type { MethodCall, WorkerOpen, WorkerSpec } from './protocol.js'
import { StoreThread } from './store-thread.js'

/**
 * A store that lives in a worker thread — the Node counterpart of Python's `asyncio.to_thread`:
 * a synchronous driver (better-sqlite3) blocks that thread, never the event loop. Each call is
 * one message; its result or typed error comes back as one message.
 *
 * The library's own stores (a URL spec) live on the process's shared store thread, and a
 * write's batch crosses as JSON text, which costs the event loop far less than cloning
 * hundreds of small objects (see `encodeOps`). Results stay clones: for a read of 50
 * messages, JSON on both sides measured slower than the clone. A user store module gets a
 * thread of its own.
 */
class WorkerStore implements Store {
  readonly #spec: WorkerSpec
  readonly #open: WorkerOpen
  readonly #ownThread: boolean
  #thread: StoreThread
  #handle: number

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#spec = spec
    this.#open = open
    this.#ownThread = spec.kind !== 'url'
    this.#thread = this.#start()
    this.#handle = this.#register()
  }

  #start(): StoreThread {
    return this.#ownThread ? new StoreThread() : StoreThread.shared()
  }

  /** Registers the store in the thread; it opens on the first call, whose error (if any) that call reports. */
  #register(): number {
    const handle = this.#thread.newHandle()
    this.#thread.send({ handle, method: 'open', spec: this.#spec, open: this.#open }).catch(() => undefined)
    return handle
  }

  /**
   * The thread, started again if it died (an uncaught error, a `terminate`): the calls it had
   * pending were rejected with `StoreUnavailableError` (and are retried by the runtime within
   * the deadline); the next call reaches a new thread with the store opened anew.
   */
  #live(): StoreThread {
    if (this.#thread.stopped) {
      this.#thread = this.#start()
      this.#handle = this.#register()
    }
    return this.#thread
  }

  #call(call: MethodCall): Promise<unknown> {
    return this.#live().send({ handle: this.#handle, ...call })
  }

  write(ops: readonly WriteOp[]): Promise<WriteResult> {
    // A user store's ops stay clones: it may keep the records it is given.
    if (this.#ownThread) return this.#call({ method: 'write', args: [ops] }) as Promise<WriteResult>
    const thread = this.#live()
    return thread.send({ handle: this.#handle, method: 'encodedWrite', ops: encodeOps(ops) }) as Promise<WriteResult>
  }

  getSession(sessionId: string): Promise<Session | null> {
    return this.#call({ method: 'getSession', args: [sessionId] }) as Promise<Session | null>
  }

  listSessions(query: SessionListing): Promise<Page<Session>> {
    return this.#call({ method: 'listSessions', args: [query] }) as Promise<Page<Session>>
  }

  getMessages(sessionId: string, query: HistoryQuery): Promise<readonly Message[]> {
    return this.#call({ method: 'getMessages', args: [sessionId, query] }) as Promise<readonly Message[]>
  }

  getToolCalls(sessionId: string, query: HistoryQuery): Promise<readonly ToolCall[]> {
    return this.#call({ method: 'getToolCalls', args: [sessionId, query] }) as Promise<readonly ToolCall[]>
  }

  getTimeline(sessionId: string, query: HistoryQuery): Promise<readonly TimelineItem[]> {
    return this.#call({ method: 'getTimeline', args: [sessionId, query] }) as Promise<readonly TimelineItem[]>
  }

  getAgentStates(sessionId: string): Promise<readonly AgentState[]> {
    return this.#call({ method: 'getAgentStates', args: [sessionId] }) as Promise<readonly AgentState[]>
  }

  getRuns(sessionId: string, query: RunQuery): Promise<readonly Run[]> {
    return this.#call({ method: 'getRuns', args: [sessionId, query] }) as Promise<readonly Run[]>
  }

  getTraces(query: TraceQuery): Promise<readonly Trace[]> {
    return this.#call({ method: 'getTraces', args: [query] }) as Promise<readonly Trace[]>
  }

  deleteSession(sessionId: string): Promise<boolean> {
    return this.#call({ method: 'deleteSession', args: [sessionId] }) as Promise<boolean>
  }

  searchMessages(query: SearchListing): Promise<readonly SearchHit[]> {
    return this.#call({ method: 'searchMessages', args: [query] }) as Promise<readonly SearchHit[]>
  }

  pruneSessions(batch: PruneBatch): Promise<readonly Session[]> {
    return this.#call({ method: 'pruneSessions', args: [batch] }) as Promise<readonly Session[]>
  }

  importSession(bundle: SessionBundle): Promise<ImportOutcome> {
    return this.#call({ method: 'importSession', args: [bundle] }) as Promise<ImportOutcome>
  }

  getSessionKey(sessionId: string, key: string): Promise<string | null> {
    return this.#call({ method: 'getSessionKey', args: [sessionId, key] }) as Promise<string | null>
  }

  getSessionKeys(sessionId: string): Promise<readonly SessionKey[]> {
    return this.#call({ method: 'getSessionKeys', args: [sessionId] }) as Promise<readonly SessionKey[]>
  }

  stats(): Promise<StoreStats> {
    return this.#call({ method: 'stats', args: [] }) as Promise<StoreStats>
  }

  info(): Promise<StoreInfo> {
    return this.#call({ method: 'info', args: [] }) as Promise<StoreInfo>
  }

  /** Closes the store in its thread; ends the thread if it was this store's own. */
  async close(): Promise<void> {
    try {
      if (!this.#thread.stopped) await this.#call({ method: 'close', args: [] })
    } finally {
      if (this.#ownThread) await this.#thread.terminate()
    }
  }
}

/** An asynchronous store living in a worker thread, built there from `spec` with `open`. */
export function openWorkerStore(spec: WorkerSpec, open: WorkerOpen): Store {
  return new WorkerStore(spec, open)
}
