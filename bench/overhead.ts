import { PraisonAIDB } from '../src/index.js'
import { workMessage } from './workload.js'

/** µs per awaited call of each loop in one repetition. */
export interface OverheadRep {
  /** `await db.aonUserMessage(id, content, metadata)` on the memory store. */
  readonly hookUs: number
  /** The same without metadata. */
  readonly hookBareUs: number
  /** `await Promise.resolve()`. */
  readonly promiseUs: number
}

async function timeLoop(iterations: number, body: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < iterations; i++) await body()
  return ((performance.now() - start) * 1000) / iterations
}

/** One warm agent awaiting each hook on the memory store (fresh store per repetition), and a bare await for scale. */
export async function measureOverhead(iterations: number): Promise<OverheadRep> {
  const message = workMessage(1, 1)
  const warm = Math.min(20_000, iterations)
  const promiseUs = await (async () => {
    await timeLoop(warm, () => Promise.resolve())
    return timeLoop(iterations, () => Promise.resolve())
  })()
  const hook = async (withMetadata: boolean): Promise<number> => {
    const db = new PraisonAIDB('memory:')
    try {
      const call = withMetadata
        ? (): Promise<void> => db.aonUserMessage('overhead', message.content, message.metadata)
        : (): Promise<void> => db.aonUserMessage('overhead', message.content)
      await timeLoop(warm, call)
      return await timeLoop(iterations, call)
    } finally {
      await db.aclose()
    }
  }
  const hookUs = await hook(true)
  const hookBareUs = await hook(false)
  return { hookUs, hookBareUs, promiseUs }
}
