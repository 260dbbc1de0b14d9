import type { WriteOp, WriteResult } from '../../core/store.js'
import type { Dialect } from '../sql/dialect.js'
import { collectSessions, type SqlPlan } from '../sql/plans.js'
import { messageParams, sessionParams, toolCallParams } from '../sql/rows.js'
import { MESSAGE_COLUMNS, SESSION_COLUMNS, TOOL_CALL_COLUMNS } from '../sql/statements.js'

/** PostgreSQL types of the columns, in the order of the shared column lists, for `unnest` casts. */
const SESSION_TYPES = ['text', 'text', 'text', 'text', 'jsonb', 'timestamptz', 'timestamptz', 'timestamptz', 'int8'] as const
const MESSAGE_TYPES = ['text', 'text', 'int8', 'text', 'text', 'jsonb', 'timestamptz', 'text'] as const
const TOOL_CALL_TYPES = ['text', 'text', 'int8', 'text', 'jsonb', 'jsonb', 'text', 'float8', 'jsonb', 'timestamptz', 'text'] as const

/** `unnest($n::type[], …) AS alias(columns)`, numbering parameters from `first`. */
function unnest(alias: string, columns: readonly string[], types: readonly string[], first: number): string {
  return `unnest(${types.map((type, i) => `$${first + i}::${type}[]`).join(', ')}) AS ${alias}(${columns.join(', ')})`
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
  const [sessionsTable, messagesTable, toolCallsTable] = [d.table('sessions'), d.table('messages'), d.table('tool_calls')]
  const sessions = SESSION_COLUMNS.join(', ')
  const m = MESSAGE_COLUMNS
  const t = TOOL_CALL_COLUMNS
  const pick = (columns: readonly string[]) => columns.map((c) => (c === 'seq' ? 's.last_seq - u.seq' : `u.${c}`)).join(', ')
  const first = SESSION_TYPES.length + 1
  return `WITH s AS (
  INSERT INTO ${sessionsTable} AS t (${sessions}) SELECT * FROM ${unnest('u', SESSION_COLUMNS, SESSION_TYPES, 1)}
  ON CONFLICT (id) DO UPDATE SET user_id = COALESCE(t.user_id, EXCLUDED.user_id), agent_id = COALESCE(t.agent_id, EXCLUDED.agent_id),
    name = COALESCE(t.name, EXCLUDED.name), updated_at = EXCLUDED.updated_at, last_seq = t.last_seq + EXCLUDED.last_seq
  RETURNING id, last_seq
), m AS (
  INSERT INTO ${messagesTable} (${m.join(', ')}) SELECT ${pick(m)} FROM ${unnest('u', m, MESSAGE_TYPES, first)} JOIN s ON s.id = u.session_id
  ON CONFLICT (id) DO NOTHING
), c AS (
  INSERT INTO ${toolCallsTable} (${t.join(', ')}) SELECT ${pick(t)} FROM ${unnest('u', t, TOOL_CALL_TYPES, first + MESSAGE_TYPES.length)} JOIN s ON s.id = u.session_id
  ON CONFLICT (id) DO NOTHING
)
SELECT id, last_seq FROM s`
}

const statements = new WeakMap<Dialect, string>()

/**
 * A batch of messages and tool calls (no agent state) as ONE statement: sessions upserted
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
    if (op.type === 'agentState') throw new TypeError('singleStatementWritePlan takes no agent-state writes')
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
    ...columnsOf(sessionRows, SESSION_COLUMNS.length),
    ...columnsOf(messages, MESSAGE_COLUMNS.length),
    ...columnsOf(toolCalls, TOOL_CALL_COLUMNS.length),
  ]
  const { rows } = yield { sql: statement, params, prepare: true }
  const lastSeq = new Map<string, number>()
  for (const row of rows) lastSeq.set(d.fromText(row['id']), Number(row['last_seq']))
  return order.map(([id, following]) => lastSeq.get(id)! - following)
}
