import { StoreUnavailableError } from './errors.js'
import type { WriteOp, WriteResult } from './store.js'

interface Pending {
  readonly op: WriteOp
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
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
  #pending: Pending[] = []
  #running = false
  #idleWaiters: (() => void)[] = []

  constructor(write: (ops: readonly WriteOp[]) => Promise<WriteResult>, maxBatch: number) {
    this.#write = write
    this.#maxBatch = maxBatch
  }

  /** Writes waiting or in flight. */
  get size(): number {
    return this.#pending.length
  }

  push(op: WriteOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ op, resolve, reject })
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
    while (this.#pending.length > 0) {
      const batch = this.#pending.length <= this.#maxBatch ? this.#pending : this.#pending.slice(0, this.#maxBatch)
      this.#pending = batch === this.#pending ? [] : this.#pending.slice(this.#maxBatch)
      await this.#commit(batch)
    }
    this.#running = false
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
  }

  async #commit(batch: readonly Pending[]): Promise<void> {
    try {
      await this.#write(batch.map((p) => p.op))
      for (const p of batch) p.resolve()
      return
    } catch (error) {
      if (batch.length === 1 || error instanceof StoreUnavailableError) {
        for (const p of batch) p.reject(error)
        return
      }
    }
    for (const p of batch) {
      try {
        await this.#write([p.op])
        p.resolve()
      } catch (error) {
        p.reject(error)
      }
    }
  }
}
