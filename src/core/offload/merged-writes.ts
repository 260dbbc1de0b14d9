import type { SyncStore, WriteOp, WriteResult } from '../store.js'

/** One batch's outcome: its `WriteResult`, or what it failed with. */
export type BatchOutcome = { readonly ok: true; readonly value: WriteResult } | { readonly ok: false; readonly error: unknown }

function alone(store: SyncStore, ops: readonly WriteOp[]): BatchOutcome {
  try {
    return { ok: true, value: store.write(ops) }
  } catch (error) {
    return { ok: false, error }
  }
}

/**
 * Writes batches that waited together for a store thread as one write: one transaction and one
 * commit (one fsync on SQLite) instead of one each, the batches' ops in the order they came,
 * which is the order their writes would have committed in one after another. Each batch gets
 * its own part of the result. If the merged write fails, every batch is written again alone,
 * so that a bad batch fails alone with its own error and the others commit as they would have
 * (a failed write leaves nothing: it is one transaction).
 */
export function writeMerged(store: SyncStore, batches: readonly (readonly WriteOp[])[]): BatchOutcome[] {
  if (batches.length === 1) return [alone(store, batches[0]!)]
  let result: WriteResult
  try {
    result = store.write(batches.flat())
  } catch {
    return batches.map((ops) => alone(store, ops))
  }
  const outcomes: BatchOutcome[] = []
  let start = 0
  for (const ops of batches) {
    outcomes.push({ ok: true, value: result.slice(start, start + ops.length) })
    start += ops.length
  }
  return outcomes
}
