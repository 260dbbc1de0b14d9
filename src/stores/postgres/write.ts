import { takesSeq, type WriteOp, type WriteResult } from '../../core/store.js'
import type { DescribedTable, Dialect } from '../sql/dialect.js'
import { collectSessions, type SqlPlan } from '../sql/plans.js'
import { messageParams, sessionParams, toolCallParams } from '../sql/rows.js'
import { columnList } from '../sql/schema.js'
import { upsertSessionsFrom } from '../sql/statements.js'
import { MESSAGES, SESSIONS, TOOL_CALLS } from '../sql/tables.js'
import { POSTGRES_TYPES } from './dialect.js'

/**
 * `unnest($n::type[], …) WITH ORDINALITY AS u(columns, o)`: one array parameter per column of
 * `table`, numbered from `first`, and `o`, each row's place in the batch. The statements that
 * take these rows ask for that order (`ORDER BY u.o`; PostgreSQL's INSERT … SELECT inserts in
 * the order its SELECT yields, though the manual does not promise it), so sessions lock in id
 * order and, of two writes with one id, the first stands and the later is the conflict.
 * Without it the order was the join's: the same statement fed by a JSON input instead of
 * arrays (tried for issue 9) joined the other way round and kept the later write (the
 * conformance suite's retried-id test).
 */
function unnest(table: DescribedTable, first: number): string {
  const arrays = table.columns.map((column, i) => `$${first + i}::${POSTGRES_TYPES[column.type]}[]`)
  return `unnest(${arrays.join(', ')}) WITH ORDINALITY AS u(${columnList(table)}, o)`
}

/** Rows to one array per column (what `unnest` binds). */
function columnsOf(rows: readonly unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length))
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!
    for (let c = 0; c < width; c++) columns[c]![r] = row[c]
  }
  return columns
}

/**
 * The statement of `singleStatementWritePlan`. Its text does not depend on the batch size, so
 * PostgreSQL plans it once per connection. Each message and tool call row carries, in the seq
 * column, how many seqs of its session follow it in the batch: its seq is the session's new
 * `last_seq` minus that.
 */
function batchStatement(d: Dialect): string {
  const withSeq = (table: DescribedTable) => table.columns.map((c) => (c.name === 'seq' ? 's.last_seq - u.seq' : `u.${c.name}`)).join(', ')
  const messagesFirst = SESSIONS.columns.length + 1
  const toolCallsFirst = messagesFirst + MESSAGES.columns.length
  return `WITH s AS (
  ${upsertSessionsFrom(d, `SELECT ${columnList(SESSIONS)} FROM ${unnest(SESSIONS, 1)} ORDER BY u.o`)}
), m AS (
  ${d.insertIgnoring(MESSAGES, `SELECT ${withSeq(MESSAGES)} FROM ${unnest(MESSAGES, messagesFirst)} JOIN s ON s.id = u.session_id ORDER BY u.o`)}
), c AS (
  ${d.insertIgnoring(TOOL_CALLS, `SELECT ${withSeq(TOOL_CALLS)} FROM ${unnest(TOOL_CALLS, toolCallsFirst)} JOIN s ON s.id = u.session_id ORDER BY u.o`)}
)
SELECT id, last_seq FROM s`
}

const statements = new WeakMap<Dialect, string>()

/**
 * A batch of messages and tool calls only (no agent state, run, trace or span) as ONE statement: sessions upserted
 * with their seq ranges reserved, messages and tool calls inserted with their seqs, all from
 * column arrays (`unnest`), which PostgreSQL binds far faster than thousands of scalar
 * parameters. One statement is atomic on its own: no BEGIN/COMMIT round trips. Semantics are
 * those of the shared `writePlan` (sessions in id order, idempotent by id).
 */
export function* singleStatementWritePlan(d: Dialect, ops: readonly WriteOp[]): SqlPlan<WriteResult> {
  const sessions = collectSessions(ops)
  const ids = [...sessions.keys()].sort()
  const sessionRows = ids.map((id) => { const w = sessions.get(id)!; return sessionParams(d, w.seed, w.seqs) })
  const taken = new Map<string, number>()
  const messages: unknown[][] = []
  const toolCalls: unknown[][] = []
  const order: [string, number][] = []
  for (const op of ops) {
    if (!takesSeq(op)) throw new TypeError(`singleStatementWritePlan takes messages and tool calls only, got a ${op.type} write`)
    const id = op.session.id
    const k = (taken.get(id) ?? 0) + 1
    taken.set(id, k)
    const following = sessions.get(id)!.seqs - k
    order.push([id, following])
    if (op.type === 'message') messages.push(messageParams(d, op.record, following))
    else toolCalls.push(toolCallParams(d, op.record, following))
  }
  let statement = statements.get(d)
  if (statement === undefined) {
    statement = batchStatement(d)
    statements.set(d, statement)
  }
  const params = [
    ...columnsOf(sessionRows, SESSIONS.columns.length),
    ...columnsOf(messages, MESSAGES.columns.length),
    ...columnsOf(toolCalls, TOOL_CALLS.columns.length),
  ]
  const { rows } = yield { sql: statement, params, prepare: true }
  const lastSeq = new Map<string, number>()
  for (const row of rows) lastSeq.set(d.fromText(row['id']), Number(row['last_seq']))
  return order.map(([id, following]) => lastSeq.get(id)! - following)
}
