import { summarize, type Latency } from './stats.js'

const INTERVAL_MS = 1

/**
 * Event-loop delay as a user sees it: how late a 1 ms `setTimeout` fires, sampled for the
 * whole run. `monitorEventLoopDelay` only samples when the loop reaches its timer phase, so
 * a chain of resolved awaits that never yields would look idle to it; a timer's lateness
 * does not. Lateness = time between arming and firing, less the 1 ms asked for.
 */
export class LoopDelaySampler {
  readonly #lateness: number[] = []
  #timer: NodeJS.Timeout | undefined
  #armedAt = 0

  start(): void {
    this.#arm()
  }

  #arm(): void {
    this.#armedAt = performance.now()
    this.#timer = setTimeout(() => {
      this.#lateness.push(Math.max(0, performance.now() - this.#armedAt - INTERVAL_MS))
      this.#arm()
    }, INTERVAL_MS)
  }

  /** Every lateness sampled so far, in ms. */
  get samples(): readonly number[] {
    return this.#lateness
  }

  /** Stops sampling and returns the lateness distribution in ms (the pending timer counts, as a run can end inside a stall). */
  stop(): Latency {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#lateness.push(Math.max(0, performance.now() - this.#armedAt - INTERVAL_MS))
    }
    this.#timer = undefined
    return summarize(this.#lateness)
  }
}
