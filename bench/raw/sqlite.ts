import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import type { Prepared, ThroughputCase } from '../case.js'
import type { HistoryReader } from '../history.js'
import { freshSqlitePath, removeSqlite } from '../targets.js'
import { arrivalBatches, batches, total, type Shape } from '../workload.js'
import {
  BATCH_ROWS, RAW_COLUMNS, SESSION_COLUMNS, WITH_SESSIONS, batchRole, rawRow, sessionKey, sessionRow, timeOrderedId, valuesList, type RawRow, type SessionRow,
} from './rows.js'

type Database = BetterSqlite3.Database
export type SqliteSync = 'full' | 'normal' | 'off'

const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

const DDL = `CREATE TABLE messages (
  id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  content TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL, run_id TEXT);
CREATE UNIQUE INDEX messages_session_seq ON messages (session_id, seq);`

/** A fresh file with the library's messages table, WAL and the given `synchronous`. */
export function openRaw(sync: SqliteSync): { db: Database; path: string } {
  const path = freshSqlitePath(`raw_sqlite_${sync}`)
  const db = new Driver(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${sync.toUpperCase()}`)
  db.exec(DDL)
  return { db, path }
}

export const insertSql = (rows: number): string => `INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(rows, () => '?')}`

function closer(db: Database, path: string): () => Promise<void> {
  return () => {
    db.close()
    removeSqlite(path)
    return Promise.resolve()
  }
}

/** better-sqlite3 on the main thread, one multi-row INSERT of `size` rows per transaction (500: SQLite's ceiling). */
export function sqliteCeiling(backend: string, sync: SqliteSync, shape: Shape, size = BATCH_ROWS): ThroughputCase {
  const { keyPart, role } = batchRole(size)
  return {
    key: `${backend}/${keyPart}/batch`, backend, label: `raw better-sqlite3 ${size} rows/tx`, role,
    shape: `batch ${size}`, messages: total(shape),
    prepare: () => {
      const { db, path } = openRaw(sync)
      const full = db.prepare(insertSql(size))
      const insert = db.transaction((rows: readonly (readonly [number, number])[]) => {
        const params = rows.flatMap(([s, m]) => rawRow(s, m))
        ;(rows.length === size ? full : db.prepare(insertSql(rows.length))).run(params)
      })
      const prepared: Prepared = {
        run: async () => {
          for (const batch of batches(shape, size)) insert(batch)
        },
        close: closer(db, path),
      }
      return Promise.resolve(prepared)
    },
  }
}

/** The cells of a shape session by session, or in the concurrent run's arrival order (message m of every session, then m + 1). */
function* cellsOf(shape: Shape, order: 'session' | 'arrival'): Generator<readonly [number, number]> {
  if (order === 'session') for (let s = 0; s < shape.sessions; s++) for (let m = 0; m < shape.messages; m++) yield [s, m]
  else for (let m = 0; m < shape.messages; m++) for (let s = 0; s < shape.sessions; s++) yield [s, m]
}

/**
 * The disk-and-SQLite limit: every row built before the clock starts (time-ordered ids, JSON
 * metadata, seq, time), then one prepared single-row INSERT per row, `size` rows per
 * transaction, on the main thread. No JSON, id or statement-text work is timed.
 * `order: 'session'` writes a session's rows together (what a bulk loader does: the 500-row
 * ceiling); `'arrival'` in the order S concurrent agents produce them, which touches every
 * session's index page in each transaction (the S-row reference: the best one group commit of
 * S live sessions can do).
 */
export function sqlitePrebuiltCeiling(backend: string, sync: SqliteSync, shape: Shape, size: number, order: 'session' | 'arrival'): ThroughputCase {
  const ceiling = size === BATCH_ROWS && order === 'session'
  return {
    key: `${backend}/${ceiling ? 'raw-ceiling-prebuilt' : `raw-prebuilt-${size}-${order}`}/batch`, backend,
    label: `raw better-sqlite3 prebuilt rows, prepared INSERT per row, ${size} rows/tx${order === 'arrival' ? ', arrival order' : ''}`,
    role: ceiling ? 'ceiling' : 'reference',
    shape: `batch ${size}`, messages: total(shape),
    prepare: () => {
      const { db, path } = openRaw(sync)
      const insert = db.prepare(insertSql(1))
      const rows: RawRow[] = []
      for (const [s, m] of cellsOf(shape, order)) {
        const row = rawRow(s, m)
        row[0] = timeOrderedId()
        rows.push(row)
      }
      const write = db.transaction((from: number) => {
        const end = Math.min(rows.length, from + size)
        for (let i = from; i < end; i++) insert.run(rows[i])
      })
      const prepared: Prepared = {
        run: async () => {
          for (let from = 0; from < rows.length; from += size) write(from)
        },
        close: closer(db, path),
      }
      return Promise.resolve(prepared)
    },
  }
}

/** The library's sessions table and its indexes (those a session's first write fills). */
const SESSIONS_DDL = `CREATE TABLE sessions (
  id TEXT NOT NULL PRIMARY KEY, user_id TEXT, agent_id TEXT, name TEXT, metadata TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ended_at TEXT, last_seq INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sessions_created ON sessions (created_at, id);
CREATE INDEX sessions_user ON sessions (user_id, created_at, id);
CREATE INDEX sessions_agent ON sessions (agent_id, created_at, id);`

/**
 * The arrival-order reference plus the session rows: every row built before the clock, then
 * per transaction S prepared INSERTs of messages and S upserts of their sessions' rows (created
 * by a session's first message, last seq and time set by the others). The least a store that
 * keeps a row per session (agentdb's seq and `updatedAt`) writes for one group commit.
 */
export function sqliteWithSessions(backend: string, sync: SqliteSync, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-prebuilt-${shape.sessions}-arrival-sessions/batch`, backend,
    label: `raw better-sqlite3 prebuilt ${WITH_SESSIONS}, prepared statements, ${shape.sessions} rows/tx, arrival order`,
    role: 'reference', shape: `batch ${shape.sessions}`, messages: total(shape),
    prepare: () => {
      const { db, path } = openRaw(sync)
      const close = closer(db, path)
      try {
        db.exec(SESSIONS_DDL)
      } catch (error) {
        void close()
        throw error
      }
      const insert = db.prepare(insertSql(1))
      const upsert = db.prepare(`INSERT INTO sessions (${SESSION_COLUMNS.join(', ')}) VALUES (${SESSION_COLUMNS.map(() => '?').join(', ')})
        ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at`)
      const rounds: { messages: RawRow[]; sessions: SessionRow[] }[] = []
      for (const batch of arrivalBatches(shape)) {
        const messages = batch.map(([s, m]) => { const row = rawRow(s, m); row[0] = timeOrderedId(); return row })
        rounds.push({ messages, sessions: batch.map(([s, m], i) => sessionRow(s, m, messages[i]![6])) })
      }
      const write = db.transaction((round: (typeof rounds)[number]) => {
        for (let i = 0; i < round.messages.length; i++) {
          insert.run(round.messages[i])
          upsert.run(round.sessions[i])
        }
      })
      const prepared: Prepared = {
        run: async () => {
          for (const round of rounds) write(round)
        },
        close,
      }
      return Promise.resolve(prepared)
    },
  }
}

/** One autocommit INSERT per message, each awaited: what a naive store does. */
export function sqliteNaive(backend: string, sync: SqliteSync, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-naive/sequential`, backend, label: 'raw better-sqlite3 INSERT per message', role: 'naive',
    shape: 'naive loop', messages: total(shape),
    prepare: () => {
      const { db, path } = openRaw(sync)
      const insert = db.prepare(insertSql(1))
      const prepared: Prepared = {
        run: async () => {
          for (let s = 0; s < shape.sessions; s++) {
            for (let m = 0; m < shape.messages; m++) await Promise.resolve(insert.run(rawRow(s, m)))
          }
        },
        close: closer(db, path),
      }
      return Promise.resolve(prepared)
    },
  }
}

/** The raw equivalent of `getMessages(id, { limit: 50 })` on a 10 000-message session, on the main thread. */
export function openSqliteHistory(messages: number, limit: number): Promise<HistoryReader> {
  const { db, path } = openRaw('normal')
  const full = db.prepare(insertSql(BATCH_ROWS))
  db.transaction(() => {
    for (const batch of batches({ sessions: 1, messages }, BATCH_ROWS)) {
      const params = batch.flatMap(([s, m]) => rawRow(s, m))
      ;(batch.length === BATCH_ROWS ? full : db.prepare(insertSql(batch.length))).run(params)
    }
  })()
  const select = db.prepare<[string, number], Record<string, unknown>>(`SELECT ${RAW_COLUMNS.join(', ')} FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?`)
  return Promise.resolve({
    label: 'raw better-sqlite3 (main thread)',
    read: () => {
      const rows = select.all(sessionKey(0), limit).reverse()
      for (const row of rows) row['metadata'] = JSON.parse(String(row['metadata'])) as unknown
      return Promise.resolve(rows.length)
    },
    close: closer(db, path),
  })
}
