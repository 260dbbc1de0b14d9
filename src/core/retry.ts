import { StoreUnavailableError } from './errors.js'

const FIRST_DELAY_MS = 50
const MAX_DELAY_MS = 2000

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** `retryUntil` for the synchronous surface: the calling thread sleeps between attempts. */
export function retryUntilSync<T>(attempt: () => T, deadlineMs: number): T {
  const deadline = Date.now() + deadlineMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return attempt()
    } catch (error) {
      const left = deadline - Date.now()
      if (!(error instanceof StoreUnavailableError) || left <= 0) throw error
      Atomics.wait(sleeper, 0, 0, Math.min(left, Math.random() * delay))
    }
  }
}

/** The shortest time an attempt is given, however little of the deadline is left. */
export const MIN_ATTEMPT_MS = 1000

/**
 * `work`, or `StoreUnavailableError` `TIMEOUT` once `ms` have passed without an answer (a server
 * that stopped answering without closing the connection). The work goes on unobserved: a write
 * that times out here may still commit — as any write whose reply is lost.
 */
export function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('TIMEOUT', `the store did not answer within ${ms} ms`)), ms)
  })
  work.catch(() => undefined) // its failure after the timeout has no one left to tell
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/**
 * Runs `attempt` until it succeeds, fails with anything but `StoreUnavailableError`, or
 * `deadlineMs` has passed since the first try; then rethrows the last error. Delays grow
 * exponentially with full jitter so that many clients do not retry in step. With
 * `boundAttempts` (a store across a network, whose reply may never come), each attempt is also
 * given only what is left of the deadline (at least a second), so the whole wait stays bounded.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, deadlineMs: number, boundAttempts = false): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await (boundAttempts ? withinMs(attempt(), Math.max(MIN_ATTEMPT_MS, deadline - Date.now())) : attempt())
    } catch (error) {
      const left = deadline - Date.now()
      if (!(error instanceof StoreUnavailableError) || left <= 0) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, Math.random() * delay)))
    }
  }
}
