import { StoreUnavailableError } from './errors.js'
import type { WriteOp, WriteResult } from './store.js'

/** Writes and how to settle each, in parallel arrays: no object per write besides its promise. */
interface Waiting {
  readonly ops: WriteOp[]
  readonly resolves: ((result: number) => void)[]
  readonly rejects: ((error: unknown) => void)[]
}

const noWaiting = (): Waiting => ({ ops: [], resolves: [], rejects: [] })

/**
 * Most hooks a committed batch resolves in one go. Each resolution runs its caller's next
 * step (often its next hook) on the spot: 200 at once measured 1-2 ms of event-loop work
 * per commit. Between slices the event loop runs its timers and I/O (issue 9).
 */
const RESOLVE_SLICE = 50

const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

function take(from: Waiting, start: number, end: number): Waiting {
  return { ops: from.ops.slice(start, end), resolves: from.resolves.slice(start, end), rejects: from.rejects.slice(start, end) }
}

/**
 * Group commit. Writes pushed while a commit is in flight wait and go together in the next
 * one, so many concurrent agents share each transaction instead of paying one each. The
 * first write after idle is taken on the next microtask: no timer, no added latency.
 *
 * Exactly one batch is in flight at a time, so writes commit in push order and every
 * session's `seq` follows call order. A push resolves once its own batch has committed; a
 * large batch resolves its pushes in order, a slice per event-loop turn, and the next batch
 * is taken once all of them have run (so it holds the writes they made).
 * When a batch of several fails, each of its writes is tried again alone, so one bad write
 * fails alone with its own error (not when the store is unreachable: that fails them all).
 */
export class WriteQueue {
  readonly #write: (ops: readonly WriteOp[]) => Promise<WriteResult>
  readonly #maxBatch: number
  #waiting: Waiting = noWaiting()
  #running = false
  #idleWaiters: (() => void)[] = []

  constructor(write: (ops: readonly WriteOp[]) => Promise<WriteResult>, maxBatch: number) {
    this.#write = write
    this.#maxBatch = maxBatch
  }

  /** Writes waiting for their batch. */
  get size(): number {
    return this.#waiting.ops.length
  }

  /** Resolves with the op's entry of its batch's `WriteResult` once the batch committed. */
  push(op: WriteOp): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const waiting = this.#waiting
      waiting.ops.push(op)
      waiting.resolves.push(resolve)
      waiting.rejects.push(reject)
      if (!this.#running) {
        this.#running = true
        queueMicrotask(() => void this.#run())
      }
    })
  }

  /** Resolves once every write pushed so far has settled. */
  drain(): Promise<void> {
    if (!this.#running) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  async #run(): Promise<void> {
    while (this.#waiting.ops.length > 0) {
      const waiting = this.#waiting
      const count = waiting.ops.length
      if (count <= this.#maxBatch) {
        this.#waiting = noWaiting()
        await this.#commit(waiting)
      } else {
        this.#waiting = take(waiting, this.#maxBatch, count)
        await this.#commit(take(waiting, 0, this.#maxBatch))
      }
    }
    this.#running = false
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }

  async #commit(batch: Waiting): Promise<void> {
    const { ops, resolves, rejects } = batch
    let results: WriteResult
    try {
      results = await this.#write(ops)
    } catch (error) {
      if (ops.length === 1 || error instanceof StoreUnavailableError) {
        for (const reject of rejects) reject(error)
        return
      }
      await this.#writeEach(batch)
      return
    }
    for (let start = 0; start < resolves.length; start += RESOLVE_SLICE) {
      if (start > 0) await nextTurn()
      const end = Math.min(resolves.length, start + RESOLVE_SLICE)
      for (let i = start; i < end; i++) resolves[i]!(results[i] ?? 0)
    }
    // The last slice's callers push their next writes a few promise steps after resolving:
    // let them, so that the next batch holds them too (it measured ~150 of 200 agents without).
    if (resolves.length > RESOLVE_SLICE) await nextTurn()
  }

  /** Each write of a failed batch alone, so that a bad one fails alone with its own error. */
  async #writeEach({ ops, resolves, rejects }: Waiting): Promise<void> {
    for (let i = 0; i < ops.length; i++) {
      try {
        const [result] = await this.#write([ops[i]!])
        resolves[i]!(result ?? 0)
      } catch (error) {
        rejects[i]!(error)
      }
    }
  }
}
