import type { BridgeSummary, CaseSummary, HistorySummary, OverheadSummary, TargetCheck } from './results.js'

interface Inputs {
  readonly throughput: readonly CaseSummary[]
  readonly overhead: OverheadSummary | null
  readonly history: readonly HistorySummary[]
  readonly bridge: BridgeSummary | null
}

const x = (value: number): string => `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`
const ms = (value: number): string => `${value.toFixed(3)} ms`

/** A check over numbers that may be missing: met only when every number is there and passes. */
function check(name: string, goal: string, values: readonly (number | null | undefined)[], describe: (v: readonly number[]) => string, pass: (v: readonly number[]) => boolean): TargetCheck {
  if (values.some((v) => v === null || v === undefined || !Number.isFinite(v))) return { name, goal, measured: 'not measured', met: null }
  const v = values as readonly number[]
  return { name, goal, measured: describe(v), met: pass(v) }
}

/** agentdb concurrent ÷ a raw batch of S rows (the most one group commit can hold at S sessions), per backend: informational. */
function referenceCheck(throughput: readonly CaseSummary[], rate: (key: string) => number | null): TargetCheck {
  const parts: string[] = []
  for (const backend of ['sqlite-full', 'postgres', 'mariadb', 'redis']) {
    const references = throughput.filter((c) => c.backend === backend && c.role === 'reference' && Number.isFinite(c.msgsPerSec))
    const ours = rate(`${backend}/agentdb/concurrent`)
    if (references.length === 0 || ours === null) continue
    const best = references.reduce((a, b) => (b.msgsPerSec > a.msgsPerSec ? b : a))
    parts.push(`${backend} ${x(ours / best.msgsPerSec)} of ${best.label}`)
  }
  return { name: 'agentdb concurrent vs a raw batch of S rows (what one group commit holds at S sessions)', goal: 'report', measured: parts.length === 0 ? 'not measured' : parts.join('; '), met: parts.length === 0 ? null : true }
}

/** The target ratios, each met, not met, or not measured. */
export function checkTargets({ throughput, overhead, history, bridge }: Inputs): TargetCheck[] {
  const rate = (key: string): number | null => {
    const found = throughput.find((c) => c.key === key)
    return found && Number.isFinite(found.msgsPerSec) ? found.msgsPerSec : null
  }
  const delay = throughput.find((c) => c.key === 'sqlite-full/agentdb/concurrent')?.loopDelay
  const divide = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a / b)
  const sqlite = rate('sqlite-full/agentdb/concurrent')
  const postgres = rate('postgres/agentdb/concurrent')
  const pgMulti = rate('postgres/raw-ceiling-multi-row/batch')
  const pgBest = Math.max(pgMulti ?? Number.NaN, rate('postgres/raw-ceiling-unnest/batch') ?? Number.NaN)
  const normal = rate('sqlite-normal/agentdb/concurrent')
  const normalNote = (peer: string): string => {
    const r = divide(normal, rate(peer))
    return r === null ? '' : ` (agentdb NORMAL: ${x(r)})`
  }
  const resume = history.find((h) => h.backend === 'sqlite-full' && h.label === 'agentdb getMessages')
  return [
    check('SQLite FULL vs raw ceiling (better-sqlite3, 500 rows/tx, FULL)', '>= 0.6x', [divide(sqlite, rate('sqlite-full/raw-ceiling/batch'))], ([r]) => x(r!), ([r]) => r! >= 0.6),
    check('SQLite FULL vs raw naive loop (autocommit INSERT per message, FULL)', '>= 10x', [divide(sqlite, rate('sqlite-full/raw-naive/sequential'))], ([r]) => x(r!), ([r]) => r! >= 10),
    check('PostgreSQL vs raw ceiling (500-row multi-row INSERT); vs best raw method', '>= 0.7x; >= 0.5x', [divide(postgres, pgMulti), divide(postgres, Number.isFinite(pgBest) ? pgBest : null)], ([a, b]) => `${x(a!)}; ${x(b!)}`, ([a, b]) => a! >= 0.7 && b! >= 0.5),
    check('PostgreSQL vs raw naive loop', 'report', [divide(postgres, rate('postgres/raw-naive/sequential'))], ([r]) => x(r!), () => true),
    check('MariaDB vs raw batched ceiling', '>= 0.6x', [divide(rate('mariadb/agentdb/concurrent'), rate('mariadb/raw-ceiling/batch'))], ([r]) => x(r!), ([r]) => r! >= 0.6),
    check('Redis vs raw batched ceiling', '>= 0.6x', [divide(rate('redis/agentdb/concurrent'), rate('redis/raw-ceiling/batch'))], ([r]) => x(r!), ([r]) => r! >= 0.6),
    check('vs Mastra saveMessages per message, same concurrency: SQLite FULL vs @mastra/libsql (WAL NORMAL); PostgreSQL vs @mastra/pg', '>= 20x each',
      [divide(sqlite, rate('mastra-libsql/per-message/concurrent')), divide(postgres, rate('mastra-pg/per-message/concurrent'))],
      ([a, b]) => `${x(a!)}${normalNote('mastra-libsql/per-message/concurrent')}; ${x(b!)}`, ([a, b]) => a! >= 20 && b! >= 20),
    check('vs Mastra, one saveMessages call per session: SQLite FULL vs @mastra/libsql (WAL NORMAL); PostgreSQL vs @mastra/pg', '>= 3x each',
      [divide(sqlite, rate('mastra-libsql/per-session/batch')), divide(postgres, rate('mastra-pg/per-session/batch'))],
      ([a, b]) => `${x(a!)}${normalNote('mastra-libsql/per-session/batch')}; ${x(b!)}`, ([a, b]) => a! >= 3 && b! >= 3),
    referenceCheck(throughput, rate),
    check('event-loop delay during the SQLite FULL concurrent run (1 ms timer lateness)', 'p99 <= 2 ms, max <= 10 ms', [delay?.p99, delay?.max],
      ([p99, max]) => `p99 ${ms(p99!)}, max ${ms(max!)}`, ([p99, max]) => p99! <= 2 && max! <= 10),
    check('hook overhead on the memory store (awaited aonUserMessage)', '<= 2 µs', [overhead?.hookUs], ([us]) => `${us!.toFixed(2)} µs (bare await ${overhead!.promiseUs.toFixed(3)} µs)`, ([us]) => us! <= 2),
    check('resume: last 50 of a 10 000-message SQLite session (getMessages)', 'p50 <= 0.3 ms, p99 <= 1 ms', [resume?.latency.p50, resume?.latency.p99],
      ([p50, p99]) => `p50 ${ms(p50!)}, p99 ${ms(p99!)}`, ([p50, p99]) => p50! <= 0.3 && p99! <= 1),
    check('sync bridge: onUserMessage on PostgreSQL vs one raw awaited INSERT (p50)', '<= 1.3x', [bridge?.ratio],
      ([r]) => `${x(r!)} (${ms(bridge!.bridgeP50Ms)} vs ${ms(bridge!.rawInsertP50Ms)})`, ([r]) => r! <= 1.3),
  ]
}
