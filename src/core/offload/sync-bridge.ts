import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads'
import { StoreError, StoreUnavailableError } from '../errors.js'
import { syncAttemptMsLeft } from '../retry.js'
import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from '../records.js'
import type { ImportOutcome, PruneBatch, SearchListing, SessionBundle, SessionListing, SyncStore, WriteOp, WriteResult } from '../store.js'
import { READY, deserializeError, type MethodCall, type Response, type WorkerInit, type WorkerSpec } from './protocol.js'
import { startWorker, workerFailure } from './worker-options.js'

const WORKER_URL = new URL('./worker-main.js', import.meta.url)

/**
 * The synchronous surface over an asynchronous store: a worker runs the async driver and the
 * calling thread blocks on `Atomics.wait` until the answer is posted — synchronous, as the
 * caller asked, with the same typed errors. A call that takes longer than `timeoutMs`, or than
 * what is left of the bounded attempt it is part of (`syncAttemptMsLeft`), throws
 * `StoreUnavailableError` (code `TIMEOUT`); its late answer is discarded, and the next call
 * goes through as usual. After `close()` a
 * call throws `STORE_CLOSED` at once, and a worker that died is reported at once too.
 */
class SyncBridge implements SyncStore {
  readonly #worker: Worker
  readonly #port: MessagePort
  readonly #signal = new Int32Array(new SharedArrayBuffer(4))
  readonly #timeoutMs: number
  readonly #description: string
  #nextId = 1
  #closed = false
  #started = false
  #stopped: Error | undefined

  constructor(spec: WorkerSpec, timeoutMs: number, description: string) {
    const { port1, port2 } = new MessageChannel()
    this.#port = port1
    this.#timeoutMs = timeoutMs
    this.#description = description
    const init: WorkerInit = { kind: 'bridge', spec, open: 'async', signal: this.#signal.buffer as SharedArrayBuffer, port: port2 }
    this.#worker = startWorker(WORKER_URL, { workerData: init, transferList: [port2] })
    this.#worker.unref()
    this.#port.unref()
    this.#worker.on('message', (message: unknown) => { if (message === READY) this.#started = true })
    this.#worker.on('error', (error) => { this.#stopped ??= error })
  }

  #call(call: MethodCall): unknown {
    if (this.#closed) throw new StoreError('STORE_CLOSED', `${this.#description} is closed`)
    if (this.#stopped) throw new StoreUnavailableError('STORE_UNAVAILABLE', workerFailure(this.#stopped, this.#started), { cause: this.#stopped })
    const id = this.#nextId++
    Atomics.store(this.#signal, 0, 0)
    this.#worker.postMessage({ id, handle: 0, ...call })
    // within a bounded attempt (a network store's sync call) no longer than the attempt has left
    const limitMs = Math.min(this.#timeoutMs, syncAttemptMsLeft() ?? Infinity)
    let deadline = Date.now() + limitMs
    for (;;) {
      const message = receiveMessageOnPort(this.#port)
      if (message !== undefined) {
        if (message.message === READY) {
          // the thread's start-up (loading its modules) is local work, not the store's silence
          if (!this.#started) deadline = Date.now() + limitMs
          this.#started = true
          continue
        }
        const response = message.message as Response
        if (response.id !== id) continue // the late answer of a call that timed out
        if (response.ok) return response.value
        throw deserializeError(response.error)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new StoreUnavailableError('TIMEOUT', `the store did not answer ${call.method} within ${limitMs} ms`)
      Atomics.wait(this.#signal, 0, 0, left)
      Atomics.store(this.#signal, 0, 0)
    }
  }

  write(ops: readonly WriteOp[]): WriteResult {
    return this.#call({ method: 'write', args: [ops] }) as WriteResult
  }

  getSession(sessionId: string): Session | null {
    return this.#call({ method: 'getSession', args: [sessionId] }) as Session | null
  }

  listSessions(query: SessionListing): Page<Session> {
    return this.#call({ method: 'listSessions', args: [query] }) as Page<Session>
  }

  getMessages(sessionId: string, query: HistoryQuery): readonly Message[] {
    return this.#call({ method: 'getMessages', args: [sessionId, query] }) as readonly Message[]
  }

  getToolCalls(sessionId: string, query: HistoryQuery): readonly ToolCall[] {
    return this.#call({ method: 'getToolCalls', args: [sessionId, query] }) as readonly ToolCall[]
  }

  getTimeline(sessionId: string, query: HistoryQuery): readonly TimelineItem[] {
    return this.#call({ method: 'getTimeline', args: [sessionId, query] }) as readonly TimelineItem[]
  }

  getAgentStates(sessionId: string): readonly AgentState[] {
    return this.#call({ method: 'getAgentStates', args: [sessionId] }) as readonly AgentState[]
  }

  getRuns(sessionId: string, query: RunQuery): readonly Run[] {
    return this.#call({ method: 'getRuns', args: [sessionId, query] }) as readonly Run[]
  }

  getTraces(query: TraceQuery): readonly Trace[] {
    return this.#call({ method: 'getTraces', args: [query] }) as readonly Trace[]
  }

  deleteSession(sessionId: string): boolean {
    return this.#call({ method: 'deleteSession', args: [sessionId] }) as boolean
  }

  searchMessages(query: SearchListing): readonly SearchHit[] {
    return this.#call({ method: 'searchMessages', args: [query] }) as readonly SearchHit[]
  }

  pruneSessions(batch: PruneBatch): readonly Session[] {
    return this.#call({ method: 'pruneSessions', args: [batch] }) as readonly Session[]
  }

  importSession(bundle: SessionBundle): ImportOutcome {
    return this.#call({ method: 'importSession', args: [bundle] }) as ImportOutcome
  }

  getSessionKey(sessionId: string, key: string): string | null {
    return this.#call({ method: 'getSessionKey', args: [sessionId, key] }) as string | null
  }

  getSessionKeys(sessionId: string): readonly SessionKey[] {
    return this.#call({ method: 'getSessionKeys', args: [sessionId] }) as readonly SessionKey[]
  }

  stats(): StoreStats {
    return this.#call({ method: 'stats', args: [] }) as StoreStats
  }

  info(): StoreInfo {
    return this.#call({ method: 'info', args: [] }) as StoreInfo
  }

  /** Closes the store in the worker (blocking), then ends the worker. */
  close(): void {
    if (this.#closed) return
    try {
      if (!this.#stopped) this.#call({ method: 'close', args: [] })
    } finally {
      this.#closed = true
      this.#port.close()
      void this.#worker.terminate()
    }
  }
}

/** A synchronous store whose calls block on a worker running the store `spec` describes. */
export function openSyncBridge(spec: WorkerSpec, timeoutMs: number, description: string): SyncStore {
  return new SyncBridge(spec, timeoutMs, description)
}
