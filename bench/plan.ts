import { libraryCase, type LibraryBackend } from './agentdb.js'
import type { ThroughputCase } from './case.js'
import type { BenchConfig } from './config.js'
import { mastraCases, type Mastra, type MastraBackend } from './mastra.js'
import { mysqlCeiling, mysqlNaive, mysqlWithSessions } from './raw/mysql.js'
import { BATCH_ROWS } from './raw/rows.js'
import { pgCeilings, pgNaive, pgWithSessions } from './raw/postgres.js'
import { redisCeiling, redisNaive } from './raw/redis.js'
import { sqliteCeiling, sqliteNaive, sqlitePrebuiltCeiling, sqliteWithSessions } from './raw/sqlite.js'
import { capped, type Shape } from './workload.js'

/** A backend whose server answers; `library` is false when the agentdb store failed its probe (raw baselines still run). */
export interface BackendPlan {
  readonly backend: LibraryBackend
  readonly library: boolean
}

/**
 * The raw ceiling (500 rows per batch), the naive loop, and a raw batch of `reference` rows:
 * S concurrent sessions with one write each in flight give group commits of at most S rows,
 * so that row tells the batch-size gap from the library's own overhead.
 */
function rawCases(backend: LibraryBackend, shape: Shape, naive: Shape, reference: number | null): ThroughputCase[] {
  switch (backend) {
    case 'memory':
      return []
    case 'sqlite-normal':
    case 'sqlite-full': {
      const sync = backend === 'sqlite-full' ? 'full' : 'normal'
      return [
        sqlitePrebuiltCeiling(backend, sync, shape, BATCH_ROWS, 'session'), sqliteCeiling(backend, sync, shape),
        ...(reference === null ? [] : [
          sqlitePrebuiltCeiling(backend, sync, shape, reference, 'arrival'), sqliteWithSessions(backend, sync, shape), sqliteCeiling(backend, sync, shape, reference),
        ]),
        sqliteNaive(backend, sync, naive),
      ]
    }
    case 'postgres':
      return [...pgCeilings(backend, shape), ...(reference === null ? [] : [...pgCeilings(backend, shape, reference), pgWithSessions(backend, shape)]), pgNaive(backend, naive)]
    case 'mariadb':
      return [mysqlCeiling(backend, shape), ...(reference === null ? [] : [mysqlCeiling(backend, shape, reference), mysqlWithSessions(backend, shape)]), mysqlNaive(backend, naive)]
    case 'redis':
      return [redisCeiling(backend, shape), ...(reference === null ? [] : [redisCeiling(backend, shape, reference)]), redisNaive(backend, naive)]
  }
}

/** Every throughput case of a run, in the order each repetition runs them. */
export function planThroughput(config: BenchConfig, plans: readonly BackendPlan[], mastra: { readonly api: Mastra; readonly backends: readonly MastraBackend[] } | null): ThroughputCase[] {
  const shape: Shape = { sessions: config.sessions, messages: config.messages }
  const sequential = capped(shape, config.sequentialCap)
  const naive = capped(shape, config.naiveCap)
  const reference = config.sessions < BATCH_ROWS ? config.sessions : null
  const cases: ThroughputCase[] = []
  for (const { backend, library } of plans) {
    if (library) {
      cases.push(libraryCase(backend, 'concurrent', shape), libraryCase(backend, 'sequential', sequential))
      if (backend === 'sqlite-full') {
        cases.push(libraryCase(backend, 'concurrent', shape, { key: 'agentdb-main-thread', label: 'agentdb aonUserMessage, offload: false (main thread)', options: { offload: false } }))
      }
    }
    cases.push(...rawCases(backend, shape, naive, reference))
  }
  for (const backend of mastra?.backends ?? []) cases.push(...mastraCases(mastra!.api, backend, shape))
  return cases
}
