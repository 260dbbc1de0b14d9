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
 * Most hooks resolved in one event-loop turn, over all batches. Each resolution runs its
 * caller's next step (often its next hook) on the spot: 200 at once measured 1-2 ms of
 * event-loop work per commit. Between slices the event loop runs its timers and I/O (issue 9).
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
 * `inFlight` batches may be written at once (1 unless the store says more: a server then
 * runs one batch while this thread prepares the next). A write whose session is in a batch
 * in flight waits for that batch to settle, so each session's writes commit in push order
 * and its `seq` follows call order; sessions of batches in flight are disjoint, which is also
 * what lets a failed batch be written again without passing a later write of its sessions.
 * With one in flight, every write commits in push order.
 *
 * A push resolves once its own batch has committed; a large batch resolves its pushes in
 * order, a slice per event-loop turn. With one batch in flight the next is taken once all of
 * them have run (so it holds the writes they made); with more, as soon as one is free.
 * When a batch of several fails, each of its writes is tried again alone, so one bad write
 * fails alone with its own error (not when the store is unreachable: that fails them all).
 */
export class WriteQueue {
  readonly #write: (ops: readonly WriteOp[]) => Promise<WriteResult>
  readonly #maxBatch: number
  readonly #inFlight: number
  #waiting: Waiting = noWaiting()
  /** Batches being written or resolved. */
  #running = 0
  /** Batches committed whose pushes are being resolved. */
  #resolving = 0
  #scheduled = false
  /** Sessions of the batches in flight, with how many hold each (only when `#inFlight > 1`). */
  readonly #busy = new Map<string, number>()
  #idleWaiters: (() => void)[] = []
  /** Pushes resolved this event-loop turn, and the turn that starts afresh (`#take`). */
  #spent = 0
  #turn: Promise<void> | undefined

  constructor(write: (ops: readonly WriteOp[]) => Promise<WriteResult>, maxBatch: number, inFlight = 1) {
    this.#write = write
    this.#maxBatch = maxBatch
    this.#inFlight = Math.max(1, Math.floor(inFlight))
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
      this.#schedule()
    })
  }

  /** Resolves once every write pushed so far has settled. */
  drain(): Promise<void> {
    if (this.#running === 0 && this.#resolving === 0 && !this.#scheduled) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#inFlight) return
    this.#scheduled = true
    queueMicrotask(() => this.#pump())
  }

  /** Starts batches while there is room and something to write. */
  #pump(): void {
    this.#scheduled = false
    while (this.#running < this.#inFlight && this.#waiting.ops.length > 0) {
      const batch = this.#running === 0 ? this.#takeAny() : this.#takeFree()
      if (batch === null) break
      this.#running++
      void this.#send(batch)
    }
    this.#wakeIfIdle()
  }

  /** The next batch when nothing is in flight: the oldest writes, up to `maxBatch`. */
  #takeAny(): Waiting {
    const waiting = this.#waiting
    const count = waiting.ops.length
    let batch: Waiting
    if (count <= this.#maxBatch) {
      this.#waiting = noWaiting()
      batch = waiting
    } else {
      this.#waiting = take(waiting, this.#maxBatch, count)
      batch = take(waiting, 0, this.#maxBatch)
    }
    if (this.#inFlight > 1) this.#hold(batch.ops)
    return batch
  }

  /** The next batch beside others in flight: the oldest writes of sessions none of them holds. */
  #takeFree(): Waiting | null {
    const busy = this.#busy
    const waiting = this.#waiting
    const batch = noWaiting()
    const left = noWaiting()
    const { ops, resolves, rejects } = waiting
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!
      const to = batch.ops.length < this.#maxBatch && !busy.has(op.session.id) ? batch : left
      to.ops.push(op)
      to.resolves.push(resolves[i]!)
      to.rejects.push(rejects[i]!)
    }
    if (batch.ops.length === 0) return null
    // a session the batch holds stays in it only up to maxBatch: what is left of it waits
    this.#waiting = left
    this.#hold(batch.ops)
    return batch
  }

  #hold(ops: readonly WriteOp[]): void {
    for (const op of ops) this.#busy.set(op.session.id, (this.#busy.get(op.session.id) ?? 0) + 1)
  }

  #release(ops: readonly WriteOp[]): void {
    for (const op of ops) {
      const id = op.session.id
      const n = this.#busy.get(id)! - 1
      if (n === 0) this.#busy.delete(id)
      else this.#busy.set(id, n)
    }
  }

  /**
   * Writes a batch and settles its pushes. With one batch in flight its slot is held until
   * every push is resolved and has had a turn to push again; with more, the slot and the
   * batch's sessions are free as soon as the batch committed.
   */
  async #send(batch: Waiting): Promise<void> {
    const { ops, resolves, rejects } = batch
    let results: WriteResult | undefined
    try {
      results = await this.#write(ops)
    } catch (error) {
      if (ops.length === 1 || error instanceof StoreUnavailableError) {
        for (const reject of rejects) reject(error)
      } else {
        await this.#writeEach(batch)
      }
    }
    const pipelined = this.#inFlight > 1
    if (pipelined || results === undefined) this.#free(ops)
    if (results === undefined) return
    this.#resolving++
    for (let start = 0; start < resolves.length;) {
      const end = start + await this.#take(resolves.length - start)
      for (let i = start; i < end; i++) resolves[i]!(results[i] ?? 0)
      start = end
    }
    // The last slice's callers push their next writes a few promise steps after resolving:
    // let them, so that the next batch holds them too (it measured ~150 of 200 agents without).
    if (!pipelined && resolves.length > RESOLVE_SLICE) await nextTurn()
    this.#resolving--
    if (!pipelined) this.#free(ops)
    else this.#wakeIfIdle()
  }

  /**
   * How many of `wanted` pushes to resolve now, taken from this event-loop turn's share (waiting
   * for a turn with some left): all batches share `RESOLVE_SLICE` per turn, so that batches
   * answered in the same turn (several in flight) do not resume all their callers in one turn.
   */
  async #take(wanted: number): Promise<number> {
    while (this.#spent >= RESOLVE_SLICE) await this.#turn
    const count = Math.min(wanted, RESOLVE_SLICE - this.#spent)
    this.#spent += count
    this.#turn ??= new Promise((resolve) => {
      setImmediate(() => {
        this.#spent = 0
        this.#turn = undefined
        resolve()
      })
    })
    return count
  }

  /** A batch is over: its slot and sessions are free for the next. */
  #free(ops: readonly WriteOp[]): void {
    if (this.#inFlight > 1) this.#release(ops)
    this.#running--
    this.#pump()
  }

  /** Wakes `drain()`'s waiters once nothing is in flight, being resolved or waiting. */
  #wakeIfIdle(): void {
    if (this.#running > 0 || this.#resolving > 0 || this.#waiting.ops.length > 0) return
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const wake of waiters) wake()
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
