import { summarize, type Latency } from './stats.js'

/** Reads the last N messages of one long session; resolves to how many it got. */
export interface HistoryReader {
  readonly label: string
  read(): Promise<number>
  close(): Promise<void>
}

export interface ReadResult {
  readonly opsPerSec: number
  /** Per-call latency in ms. */
  readonly latency: Latency
}

/**
 * Times `calls` sequential reads after a warm-up, each awaited.
 * @throws Error when a read returns another count than `expected`.
 */
export async function measureReads(reader: HistoryReader, calls: number, expected: number): Promise<ReadResult> {
  for (let i = 0; i < Math.min(200, calls); i++) await reader.read()
  const samples: number[] = new Array<number>(calls)
  const start = performance.now()
  for (let i = 0; i < calls; i++) {
    const t = performance.now()
    const got = await reader.read()
    samples[i] = performance.now() - t
    if (got !== expected) throw new Error(`${reader.label} read ${got} messages, expected ${expected}`)
  }
  const elapsed = performance.now() - start
  return { opsPerSec: (calls * 1000) / elapsed, latency: summarize(samples) }
}
