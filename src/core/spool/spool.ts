import { randomUUID } from 'node:crypto'
import { StoreError, StoreUnavailableError } from '../errors.js'
import type { WriteOp, WriteResult } from '../store.js'
import type { SpoolEntry, SpoolFile, SpoolOpener, SpoolStatus } from './spool-file.js'

const FIRST_DELAY_MS = 50
const MAX_DELAY_MS = 2000

/** What a spool needs from its runtime. */
export interface SpoolSettings {
  readonly path: string
  /** The store's description, password removed: the spool keeps each target's writes apart. */
  readonly target: string
  readonly open: SpoolOpener
  /** Most spooled writes replayed in one store write. */
  readonly maxBatch: number
  /** Longest a write waits for the replay to catch up once the store answers again (then it is spooled). */
  readonly holdMs: number
  /**
   * Writes spooled ops to the store in one attempt (bounded in time): rejects with
   * `StoreUnavailableError` while the store does not answer.
   */
  readonly replay: (ops: readonly WriteOp[]) => Promise<unknown>
}

/** A write the store refused (not one it could not be asked): replaying it again would fail again. */
const isRefusal = (error: unknown): boolean => error instanceof StoreError && error.code !== 'STORE_CLOSED'

const unreadable = (entry: SpoolEntry, error: unknown): StoreError =>
  new StoreError('STORE_FAILED', `spooled write ${entry.id} of session ${JSON.stringify(entry.sessionId.slice(0, 80))} cannot be read back from the spool`, { cause: error })

type Step = 'progress' | 'wait' | 'empty'

const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

/**
 * Writes that could not reach the store, kept in order in a local file until they can
 * (`spool` option). A write goes to the spool when the store stayed unreachable for the whole
 * retry deadline, and every later write goes there too while the spool holds any write of this
 * target: nothing written after the store returns overtakes what was spooled before. A
 * background loop replays the spool in order, a batch at a time, as soon as the store answers
 * (probing with exponential backoff), and deletes each batch once the store committed it; a
 * batch replayed twice (a crash between that commit and the delete) is skipped by the store,
 * whose writes are idempotent by record id. One replayer per spool and target at a time (a
 * claim in the file; a dead holder's claim is taken over). A write the store refuses on
 * replay is set aside in the file and reported by `takeFailures()`.
 */
export class Spool {
  readonly #settings: SpoolSettings
  readonly #token = randomUUID()
  #file: SpoolFile | undefined
  /** The spool holds writes of this target, as far as this process knows. */
  #active = false
  #stopped = false
  #loop: Promise<void> | undefined
  /** The replay loop's current backoff; a drain starts it again from the first delay. */
  #delay = FIRST_DELAY_MS
  /** Batches the store has taken (or set aside) so far: a drain's sign that the replay moves. */
  #progress = 0
  /** The last replay attempt reached the store: writes wait for the replay to finish rather than spool behind it. */
  #answering = false
  #wake: (() => void) | undefined
  #waiters: (() => void)[] = []
  #failures: unknown[] = []

  constructor(settings: SpoolSettings) {
    this.#settings = settings
  }

  get path(): string {
    return this.#settings.path
  }

  /** Opens the file on first use; writes left by an earlier process make it active and start their replay. */
  #open(): SpoolFile {
    this.#stopped = false // a use after `stop` opens it again
    if (this.#file !== undefined) return this.#file
    const file = this.#settings.open(this.#settings.path, this.#settings.target)
    this.#file = file
    if (file.status().pending > 0) {
      this.#active = true
      this.#start()
    }
    return file
  }

  /** Whether the file is open (a write, `drain` or `flush` opened it since the last `stop`). */
  get isOpen(): boolean {
    return this.#file !== undefined
  }

  /** Whether a write must go to the spool now (opening it, and so replaying leftovers, on first use). */
  isSpooling(): boolean {
    this.#open()
    return this.#active
  }

  /**
   * Writes `ops` with `direct` (the store, retried to its deadline), or appends them to the spool
   * while it holds writes, or when `direct` fails with `StoreUnavailableError`.
   * @throws StoreUnavailableError `SPOOL_FAILED` when the spool file could not take them either.
   */
  async write(ops: readonly WriteOp[], direct: (ops: readonly WriteOp[]) => Promise<WriteResult>): Promise<WriteResult> {
    if (this.isSpooling()) {
      // The store answers and the replay is catching up: wait for it rather than spool behind it
      // (a steady writer would keep the spool from ever emptying), within `holdMs`.
      const until = Date.now() + this.#settings.holdMs
      while (this.#active && this.#answering && Date.now() < until) await this.#change(until - Date.now())
      if (this.#active) {
        // An append costs no I/O wait the event loop sees: without this turn, a writer that awaits
        // each hook would spool in a chain of microtasks and starve timers, the replay's included.
        // Writes made meanwhile join the queue's next batch, one append (one sync) for all of them.
        await nextTurn()
        return this.#append(ops)
      }
    }
    try {
      return await direct(ops)
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error
      return this.#append(ops)
    }
  }

  /** `write` for the synchronous surface. */
  writeSync(ops: readonly WriteOp[], direct: (ops: readonly WriteOp[]) => void): void {
    if (this.isSpooling()) {
      this.#append(ops)
      return
    }
    try {
      direct(ops)
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error
      this.#append(ops)
    }
  }

  #append(ops: readonly WriteOp[]): WriteResult {
    this.#open().append(ops.map((op) => ({ sessionId: op.session.id, op: JSON.stringify(op) })))
    this.#active = true
    this.#start()
    return ops.map(() => 0)
  }

  /** How many writes wait, since when; opens the file for the answer if it is not open. */
  status(): SpoolStatus {
    if (this.#file !== undefined) return this.#file.status()
    const file = this.#settings.open(this.#settings.path, this.#settings.target)
    try {
      return file.status()
    } finally {
      file.close()
    }
  }

  /** Writes refused by the store on replay since the last call. */
  takeFailures(): unknown[] {
    const failures = this.#failures
    this.#failures = []
    return failures
  }

  /**
   * Replays now (the backoff cut short and started again from its first delay, so a store that
   * is still starting is probed again soon) and waits until every write of this target spooled
   * before the call has been replayed. Resolves to whether they all were: false once
   * `deadlineMs` passed since the call or, with `patient`, since the store last took a batch
   * (a replay that moves is waited for to its end; one the store stopped taking is not).
   */
  async drain(deadlineMs: number, patient = false): Promise<boolean> {
    const file = this.#open()
    if (!this.#active) return true
    const mark = file.lastId()
    this.#delay = FIRST_DELAY_MS
    this.#start()
    this.#wake?.()
    let until = Date.now() + deadlineMs
    let progress = this.#progress
    while (!this.#replayedThrough(mark)) {
      if (patient && this.#progress !== progress) {
        progress = this.#progress
        until = Date.now() + deadlineMs
      }
      const left = until - Date.now()
      if (left <= 0) return false
      await this.#change(left)
    }
    return true
  }

  /** Whether the spool holds no write of this target up to `mark` (writes spooled later may wait). */
  #replayedThrough(mark: number): boolean {
    if (!this.#active || this.#file === undefined) return !this.#active
    const first = this.#file.head(1)[0]
    return first === undefined || first.id > mark
  }

  /** Resolves at the next change of the replay's state (emptied, reached the store or not), or after `ms`. */
  #change(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    return Promise.race([
      new Promise<void>((resolve) => this.#waiters.push(resolve)),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) }),
    ]).finally(() => clearTimeout(timer))
  }

  #notify(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  /**
   * Starts the replay loop unless one runs. The loop marks itself gone in the same turn as it
   * goes idle (not in a later `finally`), so a write spooled right after the spool emptied
   * always starts a new one.
   */
  #start(): void {
    if (this.#loop !== undefined || this.#stopped) return
    const loop: Promise<void> = this.#run().finally(() => { if (this.#loop === loop) this.#loop = undefined })
    this.#loop = loop
  }

  async #run(): Promise<void> {
    this.#delay = FIRST_DELAY_MS
    while (!this.#stopped && this.#active) {
      const step = await this.#step()
      if (step === 'empty') {
        this.#loop = undefined
        this.#idle()
        return
      }
      if (step === 'progress') {
        this.#delay = FIRST_DELAY_MS
        this.#progress++
        this.#answering = true
        this.#notify() // a drain counts the batch; held writes look again
        continue
      }
      if (this.#answering) {
        this.#answering = false
        this.#notify()
      }
      const delay = this.#delay
      this.#delay = Math.min(delay * 2, MAX_DELAY_MS)
      await this.#pause(Math.random() * delay)
    }
  }

  /** Nothing of this target waits: writes go to the store again. */
  #idle(): void {
    this.#active = false
    this.#answering = false
    this.#file?.release(this.#token)
    this.#notify()
  }

  /** A pause of the loop that `drain` and `stop` cut short. Its timer does not keep the process alive. */
  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      timer.unref()
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wake = done
    }).finally(() => { this.#wake = undefined })
  }

  async #step(): Promise<Step> {
    const file = this.#file
    if (file === undefined) return 'wait'
    try {
      if (!file.claim(this.#token)) return file.status().pending === 0 ? 'empty' : 'wait'
      const entries = file.head(this.#settings.maxBatch)
      if (entries.length === 0) return 'empty'
      await this.#replay(file, entries)
      return 'progress'
    } catch {
      // The store did not answer (or the file was busy): probe again after the pause.
      return 'wait'
    }
  }

  /** Replays `entries` as one write; when the store refuses it, each alone, setting aside the one it refuses. */
  async #replay(file: SpoolFile, entries: readonly SpoolEntry[]): Promise<void> {
    let ops: WriteOp[]
    try {
      ops = entries.map((entry) => JSON.parse(entry.op) as WriteOp)
    } catch (error) {
      if (entries.length === 1) {
        this.#setAside(file, entries[0]!, unreadable(entries[0]!, error))
        return
      }
      for (const entry of entries) await this.#replay(file, [entry])
      return
    }
    try {
      await this.#settings.replay(ops)
    } catch (error) {
      if (!isRefusal(error)) throw error
      if (entries.length === 1) {
        this.#setAside(file, entries[0]!, error)
        return
      }
      for (const entry of entries) await this.#replay(file, [entry])
      return
    }
    file.remove(entries[entries.length - 1]!.id)
  }

  #setAside(file: SpoolFile, entry: SpoolEntry, error: unknown): void {
    file.fail(entry, error instanceof Error ? error.message : String(error))
    this.#failures.push(error)
  }

  /**
   * Stops the replay loop (an attempt under way finishes first) and closes the file; writes
   * still spooled stay there for the next open. The next write opens it again.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#wake?.()
    await this.#loop
    if (this.#stopped) this.#closeFile()
  }

  /** `stop` without waiting: the file closes once the attempt under way has finished. */
  stopSoon(): void {
    this.#stopped = true
    this.#wake?.()
    if (this.#loop === undefined) this.#closeFile()
    else void this.#loop.then(() => { if (this.#stopped) this.#closeFile() })
  }

  #closeFile(): void {
    const file = this.#file
    this.#file = undefined
    this.#active = false
    this.#answering = false
    this.#notify()
    if (file === undefined) return
    file.release(this.#token)
    file.close()
  }
}
