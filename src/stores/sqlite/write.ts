import { checkOwnedWrites, hasOwnedWrite } from '../../core/ownership.js'
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

/** Sessions a connection remembers at most; beyond, the least recently written are read again. */
const CACHE_SESSIONS = 20_000

/**
 * The sessions this connection's write batches left behind, so that the next batch reads
 * only the sessions it has not seen: reading 200 sessions per batch cost about 1.7 µs per
 * message, more than updating them (issue 9). What it holds is true while nothing else has
 * changed the file since the batch that wrote it, which the batch checks under its write
 * lock: `PRAGMA data_version` (changes when another connection, of this or another process,
 * commits) and `total_changes()` (changes when this connection runs any other statement
 * that writes: a delete, a prune, an import, the search indexer) must both be as that batch
 * left them. A batch that fails, or whose commit does, leaves values that were never
 * committed: the connection then calls `clear()` (stores/sqlite/index.ts).
 */
export class SessionCache {
  readonly #found = new Map<string, Found>()
  #stamp: string | undefined

  clear(): void {
    this.#found.clear()
    this.#stamp = undefined
  }

  /** Keeps what is held if `stamp` is the one the last batch left, else forgets it. */
  check(stamp: string): void {
    if (stamp !== this.#stamp) this.clear()
  }

  get(id: string): Found | undefined {
    return this.#found.get(id)
  }

  /** Records a session as the batch leaves it (most recent last, the oldest forgotten past the cap). */
  set(id: string, found: Found): void {
    this.#found.delete(id)
    this.#found.set(id, found)
    if (this.#found.size > CACHE_SESSIONS) this.#found.delete(this.#found.keys().next().value!)
  }

  /** Forgets a session some statement besides the batch's own session writes may have changed. */
  forget(id: string): void {
    this.#found.delete(id)
  }

  /** What the batch's last statement left; the next batch keeps the sessions only if it finds the same. */
  leave(stamp: string): void {
    this.#stamp = stamp
  }
}

/** Statement texts of one dialect (table prefix), built once (those per row count: `sql.cached`). */
interface Texts {
  readonly insertSession: string
  readonly fillSession: string
}

/** Whether anything but this connection's write batches changed the file: see `SessionCache`. */
const STAMP = 'SELECT (SELECT data_version FROM pragma_data_version) AS version, total_changes() AS changes'
const CHANGES = 'SELECT total_changes() AS changes'


const texts = new WeakMap<Dialect, Texts>()

function textsOf(d: Dialect): Texts {
  let t = texts.get(d)
  if (t === undefined) {
    const sessions = d.table('sessions')
    t = {
      insertSession: d.insertIgnoring(SESSIONS, `VALUES ${sql.valuesList(d, SESSIONS.columns.length, 1)}`),
      fillSession: `UPDATE ${sessions} SET last_seq = ?, updated_at = ?, user_id = COALESCE(user_id, ?), agent_id = COALESCE(agent_id, ?), name = COALESCE(name, ?) WHERE id = ?`,
    }
    texts.set(d, t)
  }
  return t
}

/**
 * `(last_seq, updated_at, id)` rows set on their sessions in one statement, `FROM (VALUES …)`;
 * one row is a plain `UPDATE … WHERE id`. SQLite materializes the VALUES first, which costs
 * more than it saves below 8 rows: per row, 13.8 µs against 3.4 µs for one row, 3.1 against
 * 2.9 for four, 2.1 against 2.3 for eight, 1.1 against 1.8 for 64 (ad hoc, synchronous=OFF,
 * issue 9; `BUMP_CHUNKS`).
 */
const bumpSessions = (d: Dialect, rows: number): string => sql.cached(d, 'sqliteBumpSessions', rows, () => {
  const sessions = d.table('sessions')
  if (rows === 1) return `UPDATE ${sessions} SET last_seq = ?, updated_at = ? WHERE id = ?`
  return `UPDATE ${sessions} SET last_seq = v.column1, updated_at = v.column2 FROM (VALUES ${sql.valuesList(d, 3, rows)}) AS v WHERE ${sessions}.id = v.column3`
})

/**
 * Rows per multi-row statement, largest first. A batch's rows go in chunks of these sizes, so
 * seven statement texts per table serve every batch and stay prepared: 200 rows are 64 + 64 +
 * 64 + 8. Against one single-row statement per row: about 2 µs per row less in plain SQL
 * (synchronous=OFF), about 0.5 µs per message within the whole plan (4 statements bound and
 * stepped instead of 200).
 */
const CHUNKS = [64, 32, 16, 8, 4, 2, 1]

/** Chunks of session updates: fewer than 8 rows go one plain UPDATE each (`bumpSessions`). */
const BUMP_CHUNKS = [64, 32, 16, 8, 1]

/** Rows of one table, kept until written in batch order (`flush`). */
class RowBuffer {
  readonly #text: (rows: number) => string
  readonly #chunks: readonly number[]
  #rows: unknown[][] = []

  /**
   * `text(rows)`: the statement that writes `rows` rows (kept by the caller: it is asked for
   * every chunk); `chunks`: the row counts it is asked for, largest first, ending with 1.
   */
  constructor(text: (rows: number) => string, chunks: readonly number[] = CHUNKS) {
    this.#text = text
    this.#chunks = chunks
  }

  push(row: unknown[]): void {
    this.#rows.push(row)
  }

  /** The statements that write the buffered rows, in order; the buffer is empty after. */
  *flush(): Generator<sql.SqlStep, void, SqlResult> {
    const rows = this.#rows
    if (rows.length === 0) return
    this.#rows = []
    let at = 0
    for (const size of this.#chunks) {
      while (rows.length - at >= size) {
        const params: unknown[] = []
        for (let r = at; r < at + size; r++) for (const value of rows[r]!) params.push(value)
        yield { sql: this.#text(size), params, deferrable: true }
        at += size
      }
    }
  }
}

/**
 * `SELECT … WHERE id IN (?, …)` for `count` ids. The list is padded to a power of two (the
 * last id repeated), so a few statement texts serve every batch size and stay prepared.
 */
function findSessions(d: Dialect, count: number): { text: string; size: number } {
  let size = 1
  while (size < count) size *= 2
  const text = sql.cached(d, 'sqliteFindSessions', size, () =>
    `SELECT id, last_seq, user_id, agent_id, name FROM ${d.table('sessions')} WHERE id IN (${sql.placeholders(d, size)})`)
  return { text, size }
}

/** Largest power of two of ids per lookup, under SQLite's bind limit. */
const MAX_LOOKUP = 16_384

/** Reads the batch's sessions that exist: their last seq and identifying fields. */
function* readSessions(d: Dialect, ids: readonly string[]): Generator<sql.SqlStep, Map<string, Found>, SqlResult> {
  const found = new Map<string, Found>()
  for (let start = 0; start < ids.length; start += MAX_LOOKUP) {
    const chunk = ids.slice(start, start + MAX_LOOKUP)
    const { text, size } = findSessions(d, chunk.length)
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
 * fields filled, only when the batch brings one); the plain updates of all sessions are one
 * `UPDATE … FROM (VALUES …)` per chunk of 8 or more rows, and one `UPDATE` each below that.
 * Messages and tool calls go in as multi-row INSERTs skipping known ids, in batch order: rows
 * wait in a buffer that is written before any other kind of write (an edit sees the batch's
 * earlier writes and its appended records follow its removal). Semantics are the shared
 * `writePlan`'s: seqs in batch order, idempotent by id, the session's `updated_at` the batch's
 * first write time.
 */
export function* sqliteWritePlan(d: Dialect, ops: readonly WriteOp[], cache: SessionCache): SqlPlan<WriteResult> {
  const t = textsOf(d)
  const sessions = collectSessions(ops)
  const { rows: [mark] } = yield { sql: STAMP, params: [] }
  const version = String(mark!['version'])
  cache.check(`${version}:${String(mark!['changes'])}`)
  const found = new Map<string, Found>()
  const unknown: string[] = []
  for (const id of sessions.keys()) {
    const known = cache.get(id)
    if (known === undefined) unknown.push(id)
    else found.set(id, known)
  }
  if (unknown.length > 0) for (const [id, read] of yield* readSessions(d, unknown)) found.set(id, read)
  // under BEGIN IMMEDIATE's write lock: no one changes a session between this check and COMMIT
  if (hasOwnedWrite(ops)) checkOwnedWrites(ops, (id) => { const f = found.get(id); return f === undefined ? undefined : f.userId === null ? null : d.fromText(f.userId) })
  const nextSeq = new Map<string, number>()
  const left: [string, Found][] = []
  const bumps = new RowBuffer((rows) => bumpSessions(d, rows), BUMP_CHUNKS)
  for (const [id, work] of sessions) {
    const existing = found.get(id)
    const s = work.seed
    const userId = s.userId === null ? null : d.toText(s.userId)
    const agentId = s.agentId === null ? null : d.toText(s.agentId)
    const name = s.name === null ? null : d.toText(s.name)
    if (existing === undefined) {
      nextSeq.set(id, 1)
      left.push([id, { lastSeq: work.seqs, userId, agentId, name }])
      yield { sql: t.insertSession, params: sessionParams(d, s, work.seqs), deferrable: true }
      continue
    }
    nextSeq.set(id, existing.lastSeq + 1)
    const lastSeq = existing.lastSeq + work.seqs
    const at = d.toTime(s.at)
    if (fillsNull(existing, work)) {
      left.push([id, { lastSeq, userId: existing.userId ?? userId, agentId: existing.agentId ?? agentId, name: existing.name ?? name }])
      yield { sql: t.fillSession, params: [lastSeq, at, userId, agentId, name, d.toText(id)], deferrable: true }
    } else {
      left.push([id, { ...existing, lastSeq }])
      bumps.push([lastSeq, at, d.toText(id)])
    }
  }
  yield* bumps.flush()
  const messages = new RowBuffer((rows) => sql.insertMessages(d, rows))
  const toolCalls = new RowBuffer((rows) => sql.insertToolCalls(d, rows))
  const seqs: number[] = []
  for (const op of ops) {
    if (takesSeq(op)) {
      const seq = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, seq + 1)
      seqs.push(seq)
      if (op.type === 'message') messages.push(messageParams(d, op.record, seq))
      else toolCalls.push(toolCallParams(d, op.record, seq))
      continue
    }
    // any other write sees the rows written before it
    yield* messages.flush()
    yield* toolCalls.flush()
    if (op.type === 'edit') {
      const first = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, first + op.edit.append.length)
      seqs.push(op.edit.append.length > 0 ? first : 0)
      const appended = yield* editSteps(d, op, first)
      for (const params of appended.messages) messages.push(params)
      for (const params of appended.toolCalls) toolCalls.push(params)
    } else if (op.type === 'sessionKey') {
      seqs.push(yield* sessionKeySteps(d, op))
    } else {
      seqs.push(0)
      yield* seqlessSteps(d, op)
    }
  }
  yield* messages.flush()
  yield* toolCalls.flush()
  for (const [id, session] of left) cache.set(id, session)
  // a session key's upsert may create its session or fill its owner: read it again next time
  for (const op of ops) if (op.type === 'sessionKey') cache.forget(op.session.id)
  const { rows: [end] } = yield { sql: CHANGES, params: [] }
  cache.leave(`${version}:${String(end!['changes'])}`)
  return seqs
}

/**
 * SQLite's write: `sqliteWritePlan` in a transaction, remembering sessions in `cache`. The
 * connection begins every transaction with `BEGIN IMMEDIATE` (`SqliteConnection`), which the
 * plan's seq read relies on.
 */
export const sqliteWrite = (cache: SessionCache): WriteChoice => (d, ops) => ({ plan: sqliteWritePlan(d, ops, cache), transactional: true })
