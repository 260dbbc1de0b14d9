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

/**
 * Runs `attempt` until it succeeds, fails with anything but `StoreUnavailableError`, or
 * `deadlineMs` has passed since the first try; then rethrows the last error. Delays grow
 * exponentially with full jitter so that many clients do not retry in step.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await attempt()
    } catch (error) {
      const left = deadline - Date.now()
      if (!(error instanceof StoreUnavailableError) || left <= 0) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, Math.random() * delay)))
    }
  }
}
