import { PraisonAIDB } from '../src/index.js'
import { freshTarget } from './agentdb.js'
import { openPgRaw } from './raw/postgres.js'
import { rawRow, sessionKey } from './raw/rows.js'
import { summarize, type Latency } from './stats.js'
import { workMessage } from './workload.js'

const WARMUP = 50

/** Latency in ms of the sync surface on PostgreSQL and of one raw awaited INSERT. */
export interface BridgeRep {
  readonly bridge: Latency
  readonly rawInsert: Latency
}

/** `db.onUserMessage` on PostgreSQL (a worker and `Atomics.wait` underneath), timed call by call. */
async function measureBridge(calls: number): Promise<Latency> {
  const target = await freshTarget('postgres')
  try {
    using db = new PraisonAIDB(target.url, target.options)
    const samples: number[] = []
    for (let i = 0; i < WARMUP + calls; i++) {
      const message = workMessage(0, i)
      const t = performance.now()
      db.onUserMessage(sessionKey(0), message.content, message.metadata)
      if (i >= WARMUP) samples.push(performance.now() - t)
    }
    return summarize(samples)
  } finally {
    await target.cleanup()
  }
}

/** One autocommit single-row INSERT with `pg`, awaited, call by call. */
async function measureRawInsert(calls: number): Promise<Latency> {
  const raw = await openPgRaw()
  try {
    const samples: number[] = []
    for (let i = 0; i < WARMUP + calls; i++) {
      const t = performance.now()
      await raw.insertOne(rawRow(0, i))
      if (i >= WARMUP) samples.push(performance.now() - t)
    }
    return summarize(samples)
  } finally {
    await raw.close()
  }
}

export async function measureBridgeRep(calls: number): Promise<BridgeRep> {
  const bridge = await measureBridge(calls)
  const rawInsert = await measureRawInsert(calls)
  return { bridge, rawInsert }
}
