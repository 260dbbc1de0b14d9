import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { StoreUnavailableError, type PraisonAIDB } from '../../src/index.js'

/** What became of one write: acknowledged (no error) or rejected, and when. */
export interface WriteOutcome {
  readonly sessionId: string
  readonly index: number
  readonly startedAt: number
  readonly settledAt: number
  readonly error: unknown
}

/**
 * `sessions` sessions writing to `db` concurrently, each awaiting its previous write (acknowledged
 * or rejected) before the next, until `stop()`: the load of an agent fleet while a fault happens.
 */
export class WriterLoad {
  readonly #db: PraisonAIDB
  readonly #prefix: string
  readonly #outcomes: WriteOutcome[] = []
  readonly #loops: Promise<void>[]
  #stopped = false

  constructor(db: PraisonAIDB, prefix: string, sessions: number) {
    this.#db = db
    this.#prefix = prefix
    this.#loops = Array.from({ length: sessions }, (_, s) => this.#run(`${prefix}-${s}`))
  }

  async #run(sessionId: string): Promise<void> {
    for (let index = 0; !this.#stopped; index++) {
      const startedAt = Date.now()
      let error: unknown
      try {
        await this.#db.aonUserMessage(sessionId, String(index))
      } catch (caught) {
        error = caught ?? new Error('rejected with nothing')
      }
      this.#outcomes.push({ sessionId, index, startedAt, settledAt: Date.now(), error })
    }
  }

  /** Session ids written to. */
  sessionIds(): string[] {
    return Array.from({ length: this.#loops.length }, (_, s) => `${this.#prefix}-${s}`)
  }

  /** Writes settled so far. */
  get outcomes(): readonly WriteOutcome[] {
    return this.#outcomes
  }

  /** Stops starting writes; resolves to every outcome once the writes in flight have settled. */
  async stop(): Promise<readonly WriteOutcome[]> {
    this.#stopped = true
    await Promise.all(this.#loops)
    return this.#outcomes
  }
}

/** What `checkOutcomes` found. */
export interface OutcomeFigures {
  readonly acknowledged: number
  readonly rejected: number
  /** Rejected with StoreUnavailableError, and found committed all the same (allowed: "not acknowledged" is not "not written"). */
  readonly rejectedButStored: number
  readonly lost: number
  readonly duplicated: number
  /** The longest any write took to settle, in ms. */
  readonly slowestMs: number
}

/**
 * Checks a load's outcomes against what `db` stores: every write was acknowledged or rejected
 * with `StoreUnavailableError` (nothing else), every acknowledged write is stored, nothing is
 * stored twice or out of order — a rejected write that was stored all the same included
 * (RELIABILITY.md, defect 6). The time bound is checked by the caller (it may be a known defect).
 */
export async function checkOutcomes(db: PraisonAIDB, load: WriterLoad, outcomes: readonly WriteOutcome[]): Promise<OutcomeFigures> {
  let acknowledged = 0
  let rejected = 0
  let rejectedButStored = 0
  let lost = 0
  let duplicated = 0
  for (const outcome of outcomes) {
    if (outcome.error === undefined) acknowledged++
    else {
      rejected++
      assert.ok(outcome.error instanceof StoreUnavailableError, `write ${outcome.sessionId}/${outcome.index} rejected with ${inspect(outcome.error)}`)
    }
  }
  for (const sessionId of load.sessionIds()) {
    const stored = (await db.getMessages(sessionId)).map((m) => Number(m.content))
    duplicated += stored.length - new Set(stored).size
    assert.deepEqual(stored, [...stored].sort((a, b) => a - b), `${sessionId} is stored in write order`)
    const present = new Set(stored)
    for (const outcome of outcomes.filter((o) => o.sessionId === sessionId)) {
      if (outcome.error === undefined && !present.has(outcome.index)) lost++
      if (outcome.error !== undefined && present.has(outcome.index)) rejectedButStored++
    }
  }
  const slowestMs = Math.max(0, ...outcomes.map((o) => o.settledAt - o.startedAt))
  return { acknowledged, rejected, rejectedButStored, lost, duplicated, slowestMs }
}
