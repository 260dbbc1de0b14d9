import { takesSeq, type WriteOp, type WriteResult } from '../../core/store.js'
import type { Dialect } from '../sql/dialect.js'
import type { WriteChoice } from '../sql/executor.js'
import { editSteps, sessionKeySteps } from '../sql/history-plans.js'
import { collectSessions, seqlessSteps, type SessionWork, type SqlPlan, type SqlResult } from '../sql/plans.js'
import { messageParams, sessionParams, toolCallParams } from '../sql/rows.js'
import * as sql from '../sql/statements.js'
import { SESSIONS } from '../sql/tables.js'

/** A session as the batch finds it under the write lock. */
interface Found {
  readonly lastSeq: number
  readonly userId: unknown
  readonly agentId: unknown
  readonly name: unknown
}

/** Statement texts of one dialect (table prefix), built once. */
interface Texts {
  readonly insertSession: string
  readonly bumpSession: string
  readonly fillSession: string
  readonly insertMessage: string
  readonly insertToolCall: string
  readonly findSessions: Map<number, string>
}

const texts = new WeakMap<Dialect, Texts>()

function textsOf(d: Dialect): Texts {
  let t = texts.get(d)
  if (t === undefined) {
    const sessions = d.table('sessions')
    t = {
      insertSession: d.insertIgnoring(SESSIONS, `VALUES ${sql.valuesList(d, SESSIONS.columns.length, 1)}`),
      bumpSession: `UPDATE ${sessions} SET last_seq = ?, updated_at = ? WHERE id = ?`,
      fillSession: `UPDATE ${sessions} SET last_seq = ?, updated_at = ?, user_id = COALESCE(user_id, ?), agent_id = COALESCE(agent_id, ?), name = COALESCE(name, ?) WHERE id = ?`,
      insertMessage: sql.insertMessages(d, 1),
      insertToolCall: sql.insertToolCalls(d, 1),
      findSessions: new Map(),
    }
    texts.set(d, t)
  }
  return t
}

/**
 * `SELECT … WHERE id IN (?, …)` for `count` ids. The list is padded to a power of two (the
 * last id repeated), so a few statement texts serve every batch size and stay prepared.
 */
function findSessions(d: Dialect, t: Texts, count: number): { text: string; size: number } {
  let size = 1
  while (size < count) size *= 2
  let text = t.findSessions.get(size)
  if (text === undefined) {
    text = `SELECT id, last_seq, user_id, agent_id, name FROM ${d.table('sessions')} WHERE id IN (${sql.placeholders(d, size)})`
    t.findSessions.set(size, text)
  }
  return { text, size }
}

/** Largest power of two of ids per lookup, under SQLite's bind limit. */
const MAX_LOOKUP = 16_384

/** Reads the batch's sessions that exist: their last seq and identifying fields. */
function* readSessions(d: Dialect, t: Texts, ids: readonly string[]): Generator<sql.SqlStep, Map<string, Found>, SqlResult> {
  const found = new Map<string, Found>()
  for (let start = 0; start < ids.length; start += MAX_LOOKUP) {
    const chunk = ids.slice(start, start + MAX_LOOKUP)
    const { text, size } = findSessions(d, t, chunk.length)
    const params: unknown[] = chunk.map((id) => d.toText(id))
    while (params.length < size) params.push(params[params.length - 1])
    const { rows } = yield { sql: text, params }
    for (const row of rows) {
      found.set(d.fromText(row['id']), { lastSeq: Number(row['last_seq']), userId: row['user_id'], agentId: row['agent_id'], name: row['name'] })
    }
  }
  return found
}

/** Whether the batch's seed fills an identifying field the stored session still lacks. */
const fillsNull = (found: Found, work: SessionWork): boolean =>
  (found.userId === null && work.seed.userId !== null) || (found.agentId === null && work.seed.agentId !== null) || (found.name === null && work.seed.name !== null)

/**
 * One batch on SQLite. It runs inside `BEGIN IMMEDIATE`, which takes SQLite's single write
 * lock before the first statement: no other connection or process writes until COMMIT. So
 * each session's last seq is READ once per batch (one statement for all of them) rather than
 * reserved by an upsert per write, the seqs are counted here, and each session row is written
 * once: inserted when new, else its `last_seq` and `updated_at` set (and null identifying
 * fields filled, only when the batch brings one). Messages and tool calls go in as one
 * prepared single-row INSERT each, skipping known ids, in batch order (an edit sees the
 * batch's earlier writes and its appended records follow its removal). Semantics are the shared `writePlan`'s:
 * seqs in batch order, idempotent by id, the session's `updated_at` the batch's first write time.
 */
export function* sqliteWritePlan(d: Dialect, ops: readonly WriteOp[]): SqlPlan<WriteResult> {
  const t = textsOf(d)
  const sessions = collectSessions(ops)
  const found = yield* readSessions(d, t, [...sessions.keys()])
  const nextSeq = new Map<string, number>()
  for (const [id, work] of sessions) {
    const existing = found.get(id)
    if (existing === undefined) {
      nextSeq.set(id, 1)
      yield { sql: t.insertSession, params: sessionParams(d, work.seed, work.seqs), deferrable: true }
      continue
    }
    nextSeq.set(id, existing.lastSeq + 1)
    const lastSeq = existing.lastSeq + work.seqs
    const at = d.toTime(work.seed.at)
    if (fillsNull(existing, work)) {
      const s = work.seed
      yield { sql: t.fillSession, params: [lastSeq, at, s.userId === null ? null : d.toText(s.userId), s.agentId === null ? null : d.toText(s.agentId), s.name === null ? null : d.toText(s.name), d.toText(id)], deferrable: true }
    } else {
      yield { sql: t.bumpSession, params: [lastSeq, at, d.toText(id)], deferrable: true }
    }
  }
  const seqs: number[] = []
  for (const op of ops) {
    if (op.type === 'edit') {
      const first = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, first + op.edit.append.length)
      seqs.push(op.edit.append.length > 0 ? first : 0)
      const appended = yield* editSteps(d, op, first)
      for (const params of appended.messages) yield { sql: t.insertMessage, params, deferrable: true }
      for (const params of appended.toolCalls) yield { sql: t.insertToolCall, params, deferrable: true }
    } else if (op.type === 'sessionKey') {
      seqs.push(yield* sessionKeySteps(d, op))
    } else if (!takesSeq(op)) {
      seqs.push(0)
      yield* seqlessSteps(d, op)
    } else {
      const seq = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, seq + 1)
      seqs.push(seq)
      if (op.type === 'message') yield { sql: t.insertMessage, params: messageParams(d, op.record, seq), deferrable: true }
      else yield { sql: t.insertToolCall, params: toolCallParams(d, op.record, seq), deferrable: true }
    }
  }
  return seqs
}

/**
 * SQLite's write: `sqliteWritePlan` in a transaction. The connection begins every
 * transaction with `BEGIN IMMEDIATE` (`SqliteConnection`), which the plan's seq read relies on.
 */
export const sqliteWrite: WriteChoice = (d, ops) => ({ plan: sqliteWritePlan(d, ops), transactional: true })
