import type { BridgeSummary, CaseSummary, HistorySummary, OverheadSummary, SequentialSummary, TargetCheck } from './results.js'

interface Inputs {
  readonly throughput: readonly CaseSummary[]
  readonly overhead: OverheadSummary | null
  readonly history: readonly HistorySummary[]
  readonly bridge: BridgeSummary | null
  readonly sequential: SequentialSummary | null
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

/** The issue's target ratios (issue 9), each met, not met, or not measured; `report` rows are informational. */
export function checkTargets({ throughput, overhead, history, bridge, sequential }: Inputs): TargetCheck[] {
  const rate = (key: string): number | null => {
    const found = throughput.find((c) => c.key === key)
    return found && Number.isFinite(found.msgsPerSec) ? found.msgsPerSec : null
  }
  const sqliteConcurrent = throughput.find((c) => c.key === 'sqlite-full/agentdb/concurrent')
  const delay = sqliteConcurrent?.loopDelay
  const pooled = sqliteConcurrent?.loopDelayPooled
  const divide = (a: number | null | undefined, b: number | null | undefined): number | null => (a === null || a === undefined || b === null || b === undefined ? null : a / b)
  const sqlite = rate('sqlite-full/agentdb/concurrent')
  const postgres = rate('postgres/agentdb/concurrent')
  const normal = rate('sqlite-normal/agentdb/concurrent')
  const normalNote = (peer: string): string => {
    const r = divide(normal, rate(peer))
    return r === null ? '' : ` (agentdb NORMAL: ${x(r)})`
  }
  const resume = history.find((h) => h.backend === 'sqlite-full' && h.label === 'agentdb getMessages')
  /** ` (label: ratio, …)`: raw references of a backend against the same ceiling as its goal, where measured. */
  const besides = (ceiling: string, references: readonly (readonly [label: string, key: string])[]): string => {
    const parts = references.flatMap(([label, key]) => { const r = divide(rate(key), rate(ceiling)); return r === null ? [] : [`${label} ${x(r)}`] })
    return parts.length === 0 ? '' : ` (${parts.join('; ')})`
  }
  /** The key of `backend`'s reference case whose key, past `backend/`, matches `rest` whole (bench/raw/*.ts name them). */
  const reference = (backend: string, rest: RegExp): string =>
    throughput.find((c) => c.backend === backend && c.role === 'reference' && c.key.startsWith(`${backend}/`) && rest.test(c.key.slice(backend.length + 1)))?.key ?? ''
  const ARRIVAL = /^raw-prebuilt-\d+-arrival\/batch$/
  const WITH_SESSION_ROWS = /^raw(-prebuilt)?-\d+-arrival-sessions\/batch$/
  const sqliteCeilingKey = 'sqlite-full/raw-ceiling-prebuilt/batch'
  const sqliteBesides = besides(sqliteCeilingKey, [
    ['the raw arrival-order batch', reference('sqlite-full', ARRIVAL)], ['with its sessions\' rows', reference('sqlite-full', WITH_SESSION_ROWS)],
  ])
  const pgBesides = besides('postgres/raw-ceiling-multi-row/batch', [['raw unnest with session rows, arrival order', reference('postgres', WITH_SESSION_ROWS)]])
  const mariadbBesides = besides('mariadb/raw-ceiling/batch', [['raw with session rows, arrival order', reference('mariadb', WITH_SESSION_ROWS)]])
  const sequentialRatio = divide(rate('sqlite-full/agentdb/sequential'), rate('sqlite-full/raw-naive/sequential'))
  return [
    check('SQLite FULL concurrent vs raw ceiling (prebuilt rows, prepared INSERT per row, 500 rows/tx, FULL)', '>= 0.8x',
      [divide(sqlite, rate(sqliteCeilingKey))], ([r]) => `${x(r!)}${sqliteBesides}`, ([r]) => r! >= 0.8),
    check('one agent awaiting each hook vs one raw autocommit INSERT (SQLite FULL): p50 per call, interleaved; sequential throughput', 'p50 <= 1.1x; throughput >= 0.9x',
      [sequential?.ratio, sequentialRatio], ([p50, tput]) => `p50 ${x(p50!)} (${ms(sequential!.hookP50Ms)} vs ${ms(sequential!.rawInsertP50Ms)}; the raw INSERT in a worker thread: ${x(sequential!.threadRatio)}); throughput ${x(tput!)}`,
      ([p50, tput]) => p50! <= 1.1 && tput! >= 0.9),
    check('event-loop delay during the SQLite FULL concurrent run (1 ms timer lateness)', 'p99 <= 2 ms, max <= 10 ms', [delay?.p99, delay?.max],
      ([p99, max]) => `p99 ${ms(p99!)}, max ${ms(max!)}${pooled === undefined || pooled.count === 0 ? '' : ` (all ${pooled.count} samples of the repetitions together: p99 ${ms(pooled.p99)})`}`,
      ([p99, max]) => p99! <= 2 && max! <= 10),
    check('resume: last 50 of a 10 000-message SQLite session (getMessages, async)', 'p50 <= 0.2 ms, p99 <= 1 ms', [resume?.latency.p50, resume?.latency.p99],
      ([p50, p99]) => `p50 ${ms(p50!)}, p99 ${ms(p99!)}`, ([p50, p99]) => p50! <= 0.2 && p99! <= 1),
    check('PostgreSQL vs @mastra/pg: saveMessages per message at the same concurrency; one saveMessages call per session', '>= 20x; >= 3x',
      [divide(postgres, rate('mastra-pg/per-message/concurrent')), divide(postgres, rate('mastra-pg/per-session/batch'))],
      ([a, b]) => `${x(a!)}; ${x(b!)}`, ([a, b]) => a! >= 20 && b! >= 3),
    check('PostgreSQL vs raw multi-row INSERT (500 rows)', '>= 0.9x', [divide(postgres, rate('postgres/raw-ceiling-multi-row/batch'))], ([r]) => `${x(r!)}${pgBesides}`, ([r]) => r! >= 0.9),
    check('MariaDB vs raw batched ceiling; Redis vs raw batched ceiling', '>= 0.7x each',
      [divide(rate('mariadb/agentdb/concurrent'), rate('mariadb/raw-ceiling/batch')), divide(rate('redis/agentdb/concurrent'), rate('redis/raw-ceiling/batch'))],
      ([a, b]) => `${x(a!)}${mariadbBesides}; ${x(b!)}`, ([a, b]) => a! >= 0.7 && b! >= 0.7),
    check('hook overhead on the memory store (awaited aonUserMessage)', '<= 2 µs', [overhead?.hookUs], ([us]) => `${us!.toFixed(2)} µs (bare await ${overhead!.promiseUs.toFixed(3)} µs)`, ([us]) => us! <= 2),
    referenceCheck(throughput, rate),
    check('SQLite FULL concurrent vs raw naive loop (autocommit INSERT per message)', 'report', [divide(sqlite, rate('sqlite-full/raw-naive/sequential'))], ([r]) => x(r!), () => true),
    check('vs @mastra/libsql (WAL NORMAL): SQLite FULL per message; per session', 'report',
      [divide(sqlite, rate('mastra-libsql/per-message/concurrent')), divide(sqlite, rate('mastra-libsql/per-session/batch'))],
      ([a, b]) => `${x(a!)}${normalNote('mastra-libsql/per-message/concurrent')}; ${x(b!)}${normalNote('mastra-libsql/per-session/batch')}`, () => true),
    check('PostgreSQL vs best raw method (unnest); vs raw naive loop', 'report',
      [divide(postgres, rate('postgres/raw-ceiling-unnest/batch')), divide(postgres, rate('postgres/raw-naive/sequential'))], ([a, b]) => `${x(a!)}; ${x(b!)}`, () => true),
    check('sync bridge: onUserMessage on PostgreSQL vs one raw awaited INSERT (p50)', 'report', [bridge?.ratio],
      ([r]) => `${x(r!)} (${ms(bridge!.bridgeP50Ms)} vs ${ms(bridge!.rawInsertP50Ms)})`, () => true),
  ]
}
