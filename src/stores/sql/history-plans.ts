import { historyConflict } from '../../core/errors.js'
import type { SessionKey } from '../../core/records.js'
import type { SessionKeyOp, WriteOp } from '../../core/store.js'
import type { Dialect } from './dialect.js'
import type { SqlPlan, SqlResult } from './plans.js'
import { messageParams, sessionKeyParams, sessionParams, toSessionKey, toolCallParams } from './rows.js'
import * as sql from './statements.js'

/*
 * The SQL of history edits and session keys, shared by every engine's write plan (the shared
 * `writePlan` and SQLite's). Both run inside the batch's transaction, after the batch's
 * session rows were upserted (which locks them on PostgreSQL and MySQL, and SQLite's
 * `BEGIN IMMEDIATE` holds its one write lock): no other writer changes the session meanwhile.
 */

type EditOp = Extract<WriteOp, { type: 'edit' }>

/** The bind values of an edit's appended records, for the plan to insert as it inserts any. */
export interface AppendedRows {
  readonly messages: unknown[][]
  readonly toolCalls: unknown[][]
}

/**
 * An edit (`HistoryEdit` in core/store.ts): checks `expectLastSeq` against the stored records
 * (throwing `HISTORY_CONFLICT`, which rolls the batch back), removes the records after
 * `afterSeq` (the engines' search indexes follow the rows: SQLite's by triggers), and returns
 * the appended records' rows with their seqs from `firstSeq` on. The caller inserts them
 * after these statements, so an appended id that was just removed goes in again.
 */
export function* editSteps(d: Dialect, op: EditOp, firstSeq: number): SqlPlan<AppendedRows> {
  const { afterSeq, expectLastSeq, append } = op.edit
  const id = d.toText(op.session.id)
  if (expectLastSeq !== undefined) {
    const row = (yield { sql: sql.selectLastSeqs(d), params: [id, id] }).rows[0] ?? {}
    const last = Math.max(Number(row['m'] ?? 0), Number(row['t'] ?? 0))
    if (last !== (expectLastSeq ?? 0)) throw historyConflict(op.session.id, expectLastSeq, last)
  }
  yield { sql: sql.deleteAfterSeq(d, 'messages'), params: [id, afterSeq], deferrable: true }
  yield { sql: sql.deleteAfterSeq(d, 'tool_calls'), params: [id, afterSeq], deferrable: true }
  const rows: AppendedRows = { messages: [], toolCalls: [] }
  append.forEach((appended, i) => {
    if (appended.type === 'message') rows.messages.push(messageParams(d, appended.record, firstSeq + i))
    else rows.toolCalls.push(toolCallParams(d, appended.record, firstSeq + i))
  })
  return rows
}

/** Whether the key's stored value is the one a compare-and-set expects (read under a lock where the engine has one). */
function* expectationHolds(d: Dialect, op: SessionKeyOp, id: unknown, name: unknown): Generator<sql.SqlStep, boolean, SqlResult> {
  const row = (yield { sql: sql.selectSessionKey(d, true), params: [id, name] }).rows[0]
  const current = row === undefined || row['value'] === null || row['value'] === undefined ? null : d.fromText(row['value'])
  return current === op.expect
}

/**
 * A `sessionKey` write: 1 when applied, 0 when its `expect` did not hold (then nothing is
 * written, the session not even created). An applied write creates the session if absent (or
 * sets its `updatedAt`). The session row is locked before the key is read, so two writers'
 * compare-and-sets of one session take turns; a session that did not exist is read again once
 * this write made it, in case another writer made it (and its key) meanwhile.
 */
export function* sessionKeySteps(d: Dialect, op: SessionKeyOp): SqlPlan<number> {
  const id = d.toText(op.session.id)
  const name = d.toText(op.key)
  const locks = d.lockingRead !== ''
  const existed = locks ? (yield { sql: sql.lockSession(d), params: [id] }).rows.length > 0 : true
  if (op.expect !== undefined && !(yield* expectationHolds(d, op, id, name))) return 0
  yield { sql: sql.upsertSessions(d, 1), params: sessionParams(d, op.session, 0), ...(d.hasReturning ? {} : { deferrable: true as const }) }
  if (!existed && op.expect !== undefined && !(yield* expectationHolds(d, op, id, name))) return 0
  if (op.value === null) yield { sql: sql.deleteSessionKey(d), params: [id, name], deferrable: true }
  else yield { sql: sql.upsertSessionKey(d), params: sessionKeyParams(d, { sessionId: op.session.id, name: op.key, value: op.value, updatedAt: op.session.at }), deferrable: true }
  return 1
}

/** The value of one session key, or null. */
export function* getSessionKeyPlan(d: Dialect, sessionId: string, key: string): SqlPlan<string | null> {
  const row = (yield { sql: sql.selectSessionKey(d, false), params: [d.toText(sessionId), d.toText(key)] }).rows[0]
  return row === undefined || row['value'] === null || row['value'] === undefined ? null : d.fromText(row['value'])
}

/** Every key of a session, by name. */
export function* getSessionKeysPlan(d: Dialect, sessionId: string): SqlPlan<SessionKey[]> {
  return (yield { sql: sql.selectSessionKeys(d), params: [d.toText(sessionId)] }).rows.map((row) => toSessionKey(d, row))
}
