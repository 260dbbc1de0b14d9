import type { AgentTurnSummary } from './agent-turn.js'
import type { Role, Skipped, ThroughputCase } from './case.js'
import type { ReadResult } from './history.js'
import type { BridgeRep } from './bridge.js'
import type { OperationsResult } from './operations.js'
import type { OverheadRep } from './overhead.js'
import type { WritePlanRep } from './write-plan.js'
import type { SequentialRep } from './sequential.js'
import type { Busy, RepResult } from './runner.js'
import { median, medianLatency, summarize, type Latency } from './stats.js'

/** A throughput case over its repetitions: medians and ratios to its backend's baselines. */
export interface CaseSummary {
  readonly key: string
  readonly backend: string
  readonly label: string
  readonly role: Role
  readonly shape: string
  readonly messages: number
  readonly msgsPerSec: number
  readonly loopDelay: Latency
  /** The lateness samples of every repetition together: one p99 over all of them rather than the median of each one's. */
  readonly loopDelayPooled: Latency
  /** Median share of the run each thread was busy (`RepResult.busy`). */
  readonly busy: Busy
  /** Against the best raw ceiling of the same backend (median msgs/s). */
  readonly ratioVsCeiling: number | null
  readonly ratioVsNaive: number | null
  readonly errors: readonly string[]
  readonly reps: readonly RepResult[]
}

export interface HistorySummary {
  readonly backend: string
  readonly label: string
  readonly opsPerSec: number
  readonly latency: Latency
  readonly reps: readonly ReadResult[]
  readonly error?: string
}

export interface OverheadSummary {
  readonly hookUs: number
  readonly hookBareUs: number
  readonly promiseUs: number
  readonly reps: readonly OverheadRep[]
}

/** Medians of `WritePlanRep` over the repetitions. */
export interface WritePlanSummary extends WritePlanRep {
  readonly sessions: number
  readonly reps: readonly WritePlanRep[]
}

export interface BridgeSummary {
  readonly bridgeP50Ms: number
  readonly rawInsertP50Ms: number
  readonly bridgeP99Ms: number
  readonly rawInsertP99Ms: number
  readonly ratio: number
  readonly reps: readonly BridgeRep[]
  readonly error?: string
}

/** One agent awaiting each hook on SQLite FULL against one raw autocommit INSERT, interleaved per call. */
export interface SequentialSummary {
  readonly hookP50Ms: number
  readonly rawInsertP50Ms: number
  readonly hookP99Ms: number
  readonly rawInsertP99Ms: number
  readonly ratio: number
  /** The raw INSERT through a worker thread of its own: the thread hop's floor. */
  readonly rawThreadP50Ms: number
  readonly rawThreadP99Ms: number
  readonly threadRatio: number
  readonly reps: readonly SequentialRep[]
  readonly error?: string
}

export interface RssPhase {
  readonly phase: string
  readonly rssMb: number
  readonly maxRssMb: number
}

export interface TargetCheck {
  readonly name: string
  readonly goal: string
  readonly measured: string
  /** null: not measured in this run (backend skipped or failed). */
  readonly met: boolean | null
}

export interface Results {
  readonly machine: Readonly<Record<string, unknown>>
  readonly config: Readonly<Record<string, unknown>>
  readonly skipped: readonly Skipped[]
  readonly throughput: readonly CaseSummary[]
  readonly overhead: OverheadSummary | null
  readonly writePlan: WritePlanSummary | null
  readonly history: readonly HistorySummary[]
  readonly bridge: BridgeSummary | null
  readonly sequential: SequentialSummary | null
  readonly agentTurn: readonly AgentTurnSummary[] | null
  /** Import, search and export on a generated database, per backend (one run each). */
  readonly operations: readonly OperationsResult[]
  readonly rss: readonly RssPhase[]
  readonly targets: readonly TargetCheck[]
  readonly durationS: number
}

function medianBusy(reps: readonly Busy[]): Busy {
  const thread = reps.flatMap((r) => (r.storeThread === null ? [] : [r.storeThread]))
  return { main: median(reps.map((r) => r.main)), storeThread: thread.length === 0 ? null : median(thread) }
}

/** Medians of every case, then each case's ratios to its backend's best ceiling and its naive loop. */
export function summarizeThroughput(cases: readonly ThroughputCase[], reps: ReadonlyMap<string, readonly RepResult[]>): CaseSummary[] {
  const base = cases.map((c) => {
    const runs = reps.get(c.key) ?? []
    const ok = runs.filter((r) => r.error === undefined)
    return {
      baseline: c.baseline ?? c.backend,
      key: c.key, backend: c.backend, label: c.label, role: c.role, shape: c.shape, messages: c.messages,
      msgsPerSec: median(ok.map((r) => r.msgsPerSec)),
      loopDelay: medianLatency(ok.map((r) => r.loopDelay)),
      loopDelayPooled: summarize(ok.flatMap((r) => r.lateness ?? [])),
      busy: medianBusy(ok.map((r) => r.busy)),
      errors: runs.flatMap((r) => (r.error === undefined ? [] : [`rep ${r.rep}: ${r.error}`])),
      reps: runs.map(({ lateness: _samples, ...kept }) => kept),
    }
  })
  const best = (backend: string, role: Role): number | null => {
    const values = base.filter((b) => b.backend === backend && b.role === role && Number.isFinite(b.msgsPerSec)).map((b) => b.msgsPerSec)
    return values.length === 0 ? null : Math.max(...values)
  }
  return base.map(({ baseline, ...b }) => {
    const ceiling = best(baseline, 'ceiling')
    const naive = best(baseline, 'naive')
    const ratio = (to: number | null): number | null => (to === null || !Number.isFinite(b.msgsPerSec) ? null : b.msgsPerSec / to)
    return { ...b, ratioVsCeiling: ratio(ceiling), ratioVsNaive: ratio(naive) }
  })
}

export function summarizeOverhead(reps: readonly OverheadRep[]): OverheadSummary {
  return {
    hookUs: median(reps.map((r) => r.hookUs)),
    hookBareUs: median(reps.map((r) => r.hookBareUs)),
    promiseUs: median(reps.map((r) => r.promiseUs)),
    reps,
  }
}

export function summarizeWritePlan(sessions: number, reps: readonly WritePlanRep[]): WritePlanSummary {
  return {
    sessions,
    batchUs: median(reps.map((r) => r.batchUs)),
    rawBatchUs: median(reps.map((r) => r.rawBatchUs)),
    singleUs: median(reps.map((r) => r.singleUs)),
    rawSingleUs: median(reps.map((r) => r.rawSingleUs)),
    reps,
  }
}

export function summarizeReads(backend: string, label: string, reps: readonly ReadResult[], error?: string): HistorySummary {
  return {
    backend, label, reps,
    opsPerSec: median(reps.map((r) => r.opsPerSec)),
    latency: medianLatency(reps.map((r) => r.latency)),
    ...(error === undefined ? {} : { error }),
  }
}

export function summarizeBridge(reps: readonly BridgeRep[], error?: string): BridgeSummary {
  const bridgeP50Ms = median(reps.map((r) => r.bridge.p50))
  const rawInsertP50Ms = median(reps.map((r) => r.rawInsert.p50))
  return {
    bridgeP50Ms, rawInsertP50Ms,
    bridgeP99Ms: median(reps.map((r) => r.bridge.p99)),
    rawInsertP99Ms: median(reps.map((r) => r.rawInsert.p99)),
    ratio: bridgeP50Ms / rawInsertP50Ms, reps, ...(error === undefined ? {} : { error }) }
}

export function summarizeSequential(reps: readonly SequentialRep[], error?: string): SequentialSummary {
  const hookP50Ms = median(reps.map((r) => r.hook.p50))
  const rawInsertP50Ms = median(reps.map((r) => r.rawInsert.p50))
  const rawThreadP50Ms = median(reps.map((r) => r.rawThreadInsert.p50))
  return {
    hookP50Ms, rawInsertP50Ms, rawThreadP50Ms,
    hookP99Ms: median(reps.map((r) => r.hook.p99)),
    rawInsertP99Ms: median(reps.map((r) => r.rawInsert.p99)),
    rawThreadP99Ms: median(reps.map((r) => r.rawThreadInsert.p99)),
    ratio: hookP50Ms / rawInsertP50Ms, threadRatio: rawThreadP50Ms / rawInsertP50Ms, reps, ...(error === undefined ? {} : { error }) }
}
