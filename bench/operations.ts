// Issue 11's operations on a database of N messages per backend: import rate (records/s, the
// fill itself), full-text search latency, export rate. N defaults small; BENCH_OPS_MESSAGES=100000
// gives the figure the README reports.
import { PraisonAIDB, type ExportRecord } from '../src/index.js'
import { freshTarget, type LibraryBackend } from './agentdb.js'
import { summarize, type Latency } from './stats.js'

/** Messages per session of the generated database. */
const PER_SESSION = 100

/** Words the messages are made of: a few common ones, a long tail of rarer ones. */
const COMMON = ['weather', 'search', 'order', 'invoice', 'refund', 'delivery', 'account', 'password', 'report', 'meeting']
const RARE = Array.from({ length: 2000 }, (_, i) => `term${i.toString(36)}x`)

/** A deterministic pseudo-random source, so every backend gets the same database and queries. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

/** The export of a generated database: sessions of 100 messages, ~200-byte texts from the vocabulary. */
export function* generatedExport(messages: number): Generator<ExportRecord> {
  const next = random(11)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()
  yield { kind: 'header', format: 'agentdb-export', version: 1 }
  for (let s = 0; s * PER_SESSION < messages; s++) {
    const id = `bench-${s}`
    const count = Math.min(PER_SESSION, messages - s * PER_SESSION)
    yield { kind: 'session', id, userId: `user-${s % 50}`, agentId: 'bench-agent', name: null, metadata: {}, createdAt: at(s * 60_000), updatedAt: at(s * 60_000 + count * 1000), endedAt: null }
    for (let m = 1; m <= count; m++) {
      const words: string[] = []
      while (words.join(' ').length < 200) words.push(next() < 0.3 ? pick(RARE) : next() < 0.5 ? pick(COMMON) : 'the')
      yield { kind: 'message', id: `${id}-${m}`, sessionId: id, seq: m, role: m % 2 === 1 ? 'user' : 'assistant', content: words.join(' '), metadata: {}, createdAt: at(s * 60_000 + m * 1000), runId: null, toolCalls: null }
    }
  }
}

export interface OperationsResult {
  readonly backend: LibraryBackend
  readonly messages: number
  readonly importRecordsPerSec: number
  readonly exportRecordsPerSec: number
  /** A rare word (few hits) and two common words, first page of 20. */
  readonly searchRare: Latency
  readonly searchCommon: Latency
  readonly error?: string
}

/** Fills a fresh store by import, searches it, exports it; removes it. */
export async function measureOperations(backend: LibraryBackend, messages: number, queries: number): Promise<OperationsResult> {
  const target = await freshTarget(backend)
  const db = new PraisonAIDB(target.url, target.options)
  try {
    let records = 0
    const importStart = performance.now()
    const imported = await db.importRecords(generatedExport(messages), { onProgress: (n) => { records = n } })
    const importS = (performance.now() - importStart) / 1000
    if (imported.added !== records - 1) throw new Error(`import added ${imported.added} of ${records - 1} records`)
    const next = random(23)
    const time = async (query: () => string): Promise<Latency> => {
      const samples: number[] = []
      for (let i = 0; i < queries; i++) {
        const q = query()
        const start = performance.now()
        await db.searchMessages({ query: q, limit: 20 })
        samples.push(performance.now() - start)
      }
      return summarize(samples)
    }
    const searchRare = await time(() => RARE[Math.floor(next() * RARE.length)]!)
    const searchCommon = await time(() => `${COMMON[Math.floor(next() * COMMON.length)]!} ${COMMON[Math.floor(next() * COMMON.length)]!}`)
    let exported = 0
    const exportStart = performance.now()
    for await (const _record of db.exportSessions()) exported += 1
    const exportS = (performance.now() - exportStart) / 1000
    if (exported !== records) throw new Error(`export gave ${exported} of ${records} records`)
    return { backend, messages, importRecordsPerSec: records / importS, exportRecordsPerSec: exported / exportS, searchRare, searchCommon }
  } finally {
    await db.aclose()
    await target.cleanup()
  }
}
