import { userMessageOp } from '../src/core/facade/hooks.js'
import { decodeOps, encodeOps } from '../src/core/offload/op-codec.js'
import type { WriteOp } from '../src/core/store.js'
import { sqliteDialect } from '../src/stores/sqlite/dialect.js'
import { SqliteConnection } from '../src/stores/sqlite/driver.js'
import { SessionCache, sqliteWritePlan } from '../src/stores/sqlite/write.js'
import { insertSql, openRaw } from './raw/sqlite.js'
import { rawRow, sessionKey, timeOrderedId, type RawRow } from './raw/rows.js'
import { freshSqlitePath, removeSqlite } from './targets.js'
import { workMessage } from './workload.js'

/** µs per message of SQLite's write path without the thread hop, the hooks or the disk's fsync. */
export interface WritePlanRep {
  /** A batch of one message for each of `sessions` sessions (what group commit holds for as many agents). */
  readonly batchUs: number
  /** The same prebuilt rows by hand: one prepared single-row INSERT each, one transaction per batch. */
  readonly rawBatchUs: number
  /** One message per batch (one agent awaiting each write). */
  readonly singleUs: number
  /** One autocommit INSERT per row by hand. */
  readonly rawSingleUs: number
}

const d = sqliteDialect('')

/** `count` batches of one message per session, crossed to the worker's form (JSON text) beforehand. */
function encodedBatches(count: number, sessions: number, firstIndex: number): string[] {
  const out: string[] = []
  for (let b = 0; b < count; b++) {
    const ops: WriteOp[] = []
    for (let s = 0; s < sessions; s++) {
      const message = workMessage(s, firstIndex + b)
      ops.push(userMessageOp({ sessionId: sessionKey(s), content: message.content, metadata: message.metadata }))
    }
    out.push(encodeOps(ops))
  }
  return out
}

/** Runs each encoded batch as the store thread does (decode, plan, commit) and returns µs per message. */
function timePlan(connection: SqliteConnection, cache: SessionCache, batches: readonly string[], perBatch: number): number {
  const start = performance.now()
  for (const text of batches) connection.run(sqliteWritePlan(d, decodeOps(text), cache), true)
  return ((performance.now() - start) * 1000) / (batches.length * perBatch)
}

/**
 * SQLite's write plan on the calling thread with `synchronous=OFF`: what the store thread does
 * for a batch (decode the batch's text, run the plan in `BEGIN IMMEDIATE`, commit), against the
 * same rows written by hand. Without the hop and the fsync, run-to-run noise is small, so the
 * store's own cost shows where the end-to-end rows cannot (their disk and host vary).
 */
export function measureWritePlan(sessions: number, batches: number, singles: number): WritePlanRep {
  const path = freshSqlitePath('agentdb_plan')
  const connection = new SqliteConnection({ path, synchronous: 'off', busyTimeoutMs: 5000, dialect: d })
  const raw = openRaw('off')
  try {
    const cache = new SessionCache()
    // warm: every session exists and is known, the statements are prepared
    timePlan(connection, cache, encodedBatches(2, sessions, 0), sessions)
    const batchUs = timePlan(connection, cache, encodedBatches(batches, sessions, 2), sessions)
    const singleUs = timePlan(connection, cache, encodedBatches(singles, 1, batches + 2), 1)

    const insert = raw.db.prepare(insertSql(1))
    // rows with ids of the library's time-ordered shape, built before the clock
    const row = (session: number, index: number): RawRow => { const r = rawRow(session, index); r[0] = timeOrderedId(); return r }
    const rows = Array.from({ length: batches }, (_, b) => Array.from({ length: sessions }, (_, s) => row(s, b)))
    const inTransaction = raw.db.transaction((batch: readonly unknown[][]) => { for (const row of batch) insert.run(row) })
    let start = performance.now()
    for (const batch of rows) inTransaction(batch)
    const rawBatchUs = ((performance.now() - start) * 1000) / (batches * sessions)
    const singleRows = Array.from({ length: singles }, (_, i) => row(0, batches + i))
    start = performance.now()
    for (const row of singleRows) insert.run(row)
    const rawSingleUs = ((performance.now() - start) * 1000) / singles
    return { batchUs, rawBatchUs, singleUs, rawSingleUs }
  } finally {
    connection.close()
    removeSqlite(path)
    raw.db.close()
    removeSqlite(raw.path)
  }
}
