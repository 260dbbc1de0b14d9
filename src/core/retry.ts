import { StoreUnavailableError } from './errors.js'

const FIRST_DELAY_MS = 50
const MAX_DELAY_MS = 2000

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/** The shortest time an attempt is given, however little of the deadline is left. */
export const MIN_ATTEMPT_MS = 1000

/** When the bounded synchronous attempt under way must end (epoch ms); undefined outside one. */
let syncAttemptEnd: number | undefined

/**
 * How long a blocking call made now may wait for its answer: what is left of the bounded
 * synchronous attempt it is part of (`retryUntilSync` with `boundAttempts`), or undefined
 * outside one. The sync bridge waits no longer than this, so a server that stops answering
 * costs the caller `retryDeadlineMs`, not the bridge's own timeout. (The calling thread is
 * blocked for the whole attempt, so one module-level value serves every call in it.)
 */
export function syncAttemptMsLeft(): number | undefined {
  return syncAttemptEnd === undefined ? undefined : Math.max(0, syncAttemptEnd - Date.now())
}

/**
 * `retryUntil` for the synchronous surface: the calling thread sleeps between attempts. With
 * `boundAttempts` (a store across a network), each attempt may wait for what is left of the
 * deadline (at least a second): the blocking calls inside it read that from `syncAttemptMsLeft`.
 */
export function retryUntilSync<T>(attempt: () => T, deadlineMs: number, boundAttempts = false): T {
  const deadline = Date.now() + deadlineMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    const outer = syncAttemptEnd
    try {
      if (boundAttempts) syncAttemptEnd = Math.max(deadline, Date.now() + MIN_ATTEMPT_MS)
      return attempt()
    } catch (error) {
      const left = deadline - Date.now()
      if (!(error instanceof StoreUnavailableError) || left <= 0) throw error
      Atomics.wait(sleeper, 0, 0, Math.min(left, Math.random() * delay))
    } finally {
      syncAttemptEnd = outer
    }
  }
}

/**
 * `work`, or `StoreUnavailableError` `TIMEOUT` once `ms` have passed without an answer (a server
 * that stopped answering without closing the connection). The work goes on unobserved: a write
 * that times out here may still commit — as any write whose reply is lost. `abandoned` gets
 * what the work still brings after the timeout (an open that finished late: to close it).
 */
export function withinMs<T>(work: Promise<T>, ms: number, abandoned?: (late: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let timedOut = false
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      reject(new StoreUnavailableError('TIMEOUT', `the store did not answer within ${ms} ms`))
    }, ms)
  })
  // its failure after the timeout has no one left to tell; its success, `abandoned`
  work.then((value) => { if (timedOut) abandoned?.(value) }, () => undefined)
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/**
 * Runs `attempt` until it succeeds, fails with anything but `StoreUnavailableError`, or
 * `deadlineMs` has passed since the first try; then rethrows the last error. Delays grow
 * exponentially with full jitter so that many clients do not retry in step. With
 * `boundAttempts` (a store across a network, whose reply may never come), each attempt is also
 * given only what is left of the deadline (at least a second), so the whole wait stays bounded;
 * `abandoned` gets what an attempt that timed out brings later (`withinMs`).
 */
export async function retryUntil<T>(attempt: () => Promise<T>, deadlineMs: number, boundAttempts = false, abandoned?: (late: T) => void): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await (boundAttempts ? withinMs(attempt(), Math.max(MIN_ATTEMPT_MS, deadline - Date.now()), abandoned) : attempt())
    } catch (error) {
      const left = deadline - Date.now()
      if (!(error instanceof StoreUnavailableError) || left <= 0) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, Math.random() * delay)))
    }
  }
}
