import type { Results } from './results.js'

const BACKEND_NAMES: Readonly<Record<string, string>> = {
  'memory': 'memory',
  'sqlite-normal': 'SQLite WAL NORMAL',
  'sqlite-full': 'SQLite WAL FULL',
  'postgres': 'PostgreSQL',
  'mariadb': 'MariaDB',
  'redis': 'Redis',
  'mastra-libsql': 'libSQL file (Mastra: WAL NORMAL)',
  'mastra-pg': 'PostgreSQL (Mastra)',
}

export const backendName = (key: string): string => BACKEND_NAMES[key] ?? key

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—')
const fixed = (n: number | null | undefined, digits: number): string => (n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits))
const percent = (share: number): string => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—')
const ratio = (n: number | null): string => (n === null ? '—' : `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}x`)

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The whole report as markdown. */
export function renderReport(r: Results): string {
  const out: string[] = []
  const cfg = r.config
  out.push(`# agentdb benchmark`, '')
  out.push(`${String(r.machine['cpuModel'])} ×${String(r.machine['cpus'])}, ${String(r.machine['totalMemoryGb'])} GB, Node ${String(r.machine['node'])}, ${String(r.machine['date'])}; load average (1/5/15 min) ${String(r.machine['loadAverageAtStart'])} at start, ${String(r.machine['loadAverageAtEnd'])} at end.`)
  out.push(`Workload: ${String(cfg['sessions'])} sessions × ${String(cfg['messages'])} messages (~200-byte content, small metadata), ${String(cfg['reps'])} interleaved repetitions, medians. Sequential runs capped at ${String(cfg['sequentialCap'])} messages, naive loops at ${String(cfg['naiveCap'])}. Duration ${r.durationS.toFixed(0)} s.`, '')

  out.push('## Throughput', '')
  out.push(table(
    ['case', 'backend', 'shape', 'msgs', 'msgs/s (median)', 'vs raw ceiling', 'vs naive', 'loop delay p50 / p99 / max (ms)', 'busy: main / store thread'],
    r.throughput.map((c) => [
      c.label, backendName(c.backend), c.shape, int(c.messages),
      c.errors.length > 0 && !Number.isFinite(c.msgsPerSec) ? `failed` : int(c.msgsPerSec),
      ratio(c.ratioVsCeiling), ratio(c.ratioVsNaive),
      `${fixed(c.loopDelay.p50, 2)} / ${fixed(c.loopDelay.p99, 2)} / ${fixed(c.loopDelay.max, 1)}`,
      `${percent(c.busy.main)} / ${c.busy.storeThread === null ? '—' : percent(c.busy.storeThread)}`,
    ]).concat(r.skipped.map((s) => [s.reason.startsWith('skipped') ? 'all cases' : 'agentdb rows', backendName(s.backend), '—', '—', 'skipped (see below)', '—', '—', '—', '—'])),
  ))
  const failures = r.throughput.filter((c) => c.errors.length > 0)
  if (failures.length > 0) {
    out.push('', 'Failures:')
    for (const c of failures) for (const e of c.errors) out.push(`- ${c.key} ${e.slice(0, 300)}`)
  }
  if (r.skipped.length > 0) {
    out.push('', 'Skipped:')
    for (const s of r.skipped) out.push(`- ${backendName(s.backend)}: ${s.reason.slice(0, 300)}`)
  }

  if (r.overhead) {
    const o = r.overhead
    out.push('', '## Hook overhead (memory store, one warm agent)', '')
    out.push(table(['loop', 'µs per awaited call (median)'], [
      ['await db.aonUserMessage(id, content, metadata)', fixed(o.hookUs, 3)],
      ['await db.aonUserMessage(id, content)', fixed(o.hookBareUs, 3)],
      ['await Promise.resolve()', fixed(o.promiseUs, 3)],
    ]))
  }

  if (r.writePlan) {
    const w = r.writePlan
    out.push('', `## SQLite write path alone (calling thread, synchronous=OFF: no thread hop, no hook, no fsync; median of repetitions)`, '')
    out.push(table(['batch', 'agentdb: decode + write plan + commit (µs per message)', 'raw better-sqlite3, prebuilt rows (µs per row)', 'ratio'], [
      [`${w.sessions} sessions × 1 message (one group commit)`, fixed(w.batchUs, 2), fixed(w.rawBatchUs, 2), `${fixed(w.batchUs / w.rawBatchUs, 2)}x`],
      ['1 message (one agent)', fixed(w.singleUs, 2), fixed(w.rawSingleUs, 2), `${fixed(w.singleUs / w.rawSingleUs, 2)}x`],
    ]))
  }

  if (r.history.length > 0) {
    out.push('', `## History read: last 50 of a ${String(cfg['historyMessages'])}-message session`, '')
    out.push(table(['reader', 'backend', 'ops/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], r.history.map((h) => [
      h.label, backendName(h.backend), h.error === undefined ? int(h.opsPerSec) : `failed: ${h.error.slice(0, 120)}`,
      fixed(h.latency.p50, 3), fixed(h.latency.p99, 3), fixed(h.latency.max, 2),
    ])))
  }

  if (r.bridge) {
    const b = r.bridge
    out.push('', '## Sync bridge on PostgreSQL (per call, median of repetitions)', '')
    out.push(b.error !== undefined ? `failed: ${b.error}` : table(['call', 'p50 (ms)', 'p99 (ms)'], [
      ['db.onUserMessage (worker + Atomics.wait)', fixed(b.bridgeP50Ms, 3), fixed(b.bridgeP99Ms, 3)],
      ['raw pg INSERT, awaited', fixed(b.rawInsertP50Ms, 3), fixed(b.rawInsertP99Ms, 3)],
      ['ratio', ratio(b.ratio), ''],
    ]))
  }

  if (r.sequential) {
    const q = r.sequential
    out.push('', '## One agent on SQLite WAL FULL (per call, interleaved, median of repetitions)', '')
    out.push(q.error !== undefined ? `failed: ${q.error}` : table(['call', 'p50 (ms)', 'p99 (ms)'], [
      ['await db.aonUserMessage (worker thread, commit before resolve)', fixed(q.hookP50Ms, 3), fixed(q.hookP99Ms, 3)],
      ['raw better-sqlite3 autocommit INSERT, awaited (main thread)', fixed(q.rawInsertP50Ms, 3), fixed(q.rawInsertP99Ms, 3)],
      ['raw better-sqlite3 autocommit INSERT in a worker thread, awaited (the thread hop alone)', fixed(q.rawThreadP50Ms, 3), fixed(q.rawThreadP99Ms, 3)],
      ['ratio: agentdb ÷ main-thread INSERT', ratio(q.ratio), ''],
      ['ratio: worker-thread INSERT ÷ main-thread INSERT (what crossing to a thread and back adds)', ratio(q.threadRatio), ''],
    ]))
  }
  if (r.agentTurn) {
    out.push('', `## One agent turn (prompt, a tool call, the answer: two model calls to the local scripted server), ${String(cfg['agentTurns'])} turns`, '')
    out.push(table(['persistence', 'ms per turn p50', 'mean', 'added by persistence (p50)'], r.agentTurn.map((t) => [
      t.variant === 'none' ? 'none (no db)' : t.variant === 'memory' ? 'memory' : 'SQLite (WAL, synchronous FULL)', fixed(t.p50Ms, 3), fixed(t.meanMs, 3), t.overheadMs === null ? '—' : `${fixed(t.overheadMs, 3)} ms`,
    ])))
  }

  if (r.operations.length > 0) {
    out.push('', `## Operations on a ${int(Number(cfg['opsMessages']))}-message database (import fills it; search: first page of 20, ${String(cfg['opsQueries'])} queries per kind)`, '')
    out.push(table(['backend', 'import (records/s)', 'export (records/s)', 'search rare word p50 / p99 (ms)', 'search two common words p50 / p99 (ms)'], r.operations.map((o) => o.error !== undefined
      ? [backendName(o.backend), `failed: ${o.error.slice(0, 120)}`, '', '', '']
      : [backendName(o.backend), int(o.importRecordsPerSec), int(o.exportRecordsPerSec), `${fixed(o.searchRare.p50, 2)} / ${fixed(o.searchRare.p99, 2)}`, `${fixed(o.searchCommon.p50, 2)} / ${fixed(o.searchCommon.p99, 2)}`])))
  }
  out.push('', '## Peak RSS', '')
  out.push(table(['after phase', 'RSS (MB)', 'peak RSS so far (MB)'], r.rss.map((p) => [p.phase, fixed(p.rssMb, 0), fixed(p.maxRssMb, 0)])))

  out.push('', '## Targets', '')
  out.push(table(['target', 'goal', 'measured', 'status'], r.targets.map((t) => [
    t.name, t.goal, t.measured, t.met === null ? 'not measured' : t.goal === 'report' ? 'reported' : t.met ? 'met' : '**not met**',
  ])))
  return out.join('\n')
}
