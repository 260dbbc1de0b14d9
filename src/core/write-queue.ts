import { StoreUnavailableError } from './errors.js'
import type { WriteOp, WriteResult } from './store.js'

/** Writes and how to settle each, in parallel arrays: no object per write besides its promise. */
interface Waiting {
  readonly ops: WriteOp[]
  readonly resolves: (() => void)[]
  readonly rejects: ((error: unknown) => void)[]
}

const noWaiting = (): Waiting => ({ ops: [], resolves: [], rejects: [] })

function take(from: Waiting, start: number, end: number): Waiting {
  return { ops: from.ops.slice(start, end), resolves: from.resolves.slice(start, end), rejects: from.rejects.slice(start, end) }
}

/**
 * Group commit. Writes pushed while a commit is in flight wait and go together in the next
 * one, so many concurrent agents share each transaction instead of paying one each. The
 * first write after idle is taken on the next microtask: no timer, no added latency.
 *
 * Exactly one batch is in flight at a time, so writes commit in push order and every
 * session's `seq` follows call order. A push resolves once its own batch has committed.
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

  push(op: WriteOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
    try {
      await this.#write(ops)
      for (const resolve of resolves) resolve()
      return
    } catch (error) {
      if (ops.length === 1 || error instanceof StoreUnavailableError) {
        for (const reject of rejects) reject(error)
        return
      }
    }
    for (let i = 0; i < ops.length; i++) {
      try {
        await this.#write([ops[i]!])
        resolves[i]!()
      } catch (error) {
        rejects[i]!(error)
      }
    }
  }
}
