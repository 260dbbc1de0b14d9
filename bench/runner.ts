import { setTimeout as sleep } from 'node:timers/promises'
import { StoreThread } from '../src/core/offload/store-thread.js'
import type { Prepared, ThroughputCase } from './case.js'
import { LoopDelaySampler } from './loop-delay.js'
import type { Latency } from './stats.js'

/** One repetition of one case. */
export interface RepResult {
  readonly rep: number
  readonly msgsPerSec: number
  readonly elapsedMs: number
  /** Lateness of a 1 ms timer during `run()`, ms. */
  readonly loopDelay: Latency
  /** Every sample of it (pooled over the repetitions by `summarizeThroughput`; not kept in results.json). */
  readonly lateness?: readonly number[]
  /**
   * Share of `run()` each thread's event loop was busy (0-1): this thread's, and the SQLite store
   * thread's when one ran (null otherwise). Which side is saturated tells where a run's time goes.
   */
  readonly busy: Busy
  /** Peak RSS of the process so far, MB. */
  readonly maxRssMb: number
  readonly error?: string
}

export interface Busy {
  readonly main: number
  readonly storeThread: number | null
}

export const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

/** Prepares a fresh target, times `run()` with the loop-delay sampler on, and cleans up. A failure is recorded, not thrown. */
export async function runRep(c: ThroughputCase, rep: number): Promise<RepResult> {
  let prepared: Prepared
  try {
    prepared = await c.prepare()
  } catch (error) {
    return failed(rep, `prepare: ${describe(error)}`)
  }
  await sleep(50) // let setup's stragglers (worker start-up, GC) settle before the clock starts
  const sampler = new LoopDelaySampler()
  sampler.start()
  const thread = StoreThread.current() // prepare() opened the store: a SQLite one has started it
  const threadSince = thread?.eventLoopUtilization()
  const mainSince = performance.eventLoopUtilization()
  const start = performance.now()
  let error: string | undefined
  try {
    await prepared.run()
  } catch (e) {
    error = describe(e)
  }
  const elapsedMs = performance.now() - start
  const busy: Busy = {
    main: performance.eventLoopUtilization(mainSince).utilization,
    storeThread: thread === undefined || thread.stopped ? null : thread.eventLoopUtilization(threadSince).utilization,
  }
  const loopDelay = sampler.stop()
  try {
    await prepared.close()
  } catch (e) {
    error ??= `close: ${describe(e)}`
  }
  if (error !== undefined) return failed(rep, error)
  return { rep, msgsPerSec: (c.messages * 1000) / elapsedMs, elapsedMs, loopDelay, lateness: sampler.samples, busy, maxRssMb: maxRssMb() }
}

function failed(rep: number, error: string): RepResult {
  const nan = { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN }
  return { rep, msgsPerSec: Number.NaN, elapsedMs: Number.NaN, loopDelay: nan, busy: { main: Number.NaN, storeThread: null }, maxRssMb: maxRssMb(), error }
}
