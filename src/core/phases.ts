import type { Run, Span } from './records.js'
import type { TraceRecord, WriteOp } from './store.js'

type PhasedOp = Extract<WriteOp, { type: 'run' | 'trace' | 'span' }>
type Phased = Run | TraceRecord | Span

/**
 * The record a run, trace or span write leaves, given what was stored (`Phase`'s contract,
 * for stores that merge in code): a start keeps a stored record as it is; an end updates the
 * end fields, and the details when `replaceDetails`; an end with nothing stored is the record.
 */
export function afterPhase<T extends Phased>(stored: T | undefined, op: PhasedOp & { readonly record: T }): T {
  if (stored === undefined) return op.record
  if (op.phase === 'start') return stored
  switch (op.type) {
    case 'run': {
      const s = stored as Run
      const r = op.record as Run
      return { ...s, status: r.status, output: r.output, metrics: r.metrics, endedAt: r.endedAt, metadata: op.replaceDetails ? r.metadata : s.metadata } as T
    }
    case 'trace': {
      const s = stored as TraceRecord
      const r = op.record as TraceRecord
      return { ...s, status: r.status, endedAt: r.endedAt, metadata: op.replaceDetails ? r.metadata : s.metadata } as T
    }
    case 'span': {
      const s = stored as Span
      const r = op.record as Span
      return { ...s, status: r.status, error: r.error, endedAt: r.endedAt, attributes: op.replaceDetails ? r.attributes : s.attributes } as T
    }
  }
}

/** Newest first by start time, then id: the order of `getRuns` and `getTraces`. */
export function newestStartFirst(a: { readonly startedAt: string; readonly id: string }, b: { readonly startedAt: string; readonly id: string }): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Oldest first by start time, then id: the order of a trace's spans. */
export function oldestStartFirst(a: { readonly startedAt: string; readonly id: string }, b: { readonly startedAt: string; readonly id: string }): number {
  return -newestStartFirst(a, b)
}
