import mysql from 'mysql2/promise'
import type { Prepared, ThroughputCase } from '../case.js'
import type { HistoryReader } from '../history.js'
import { MYSQL, uniqueName } from '../targets.js'
import { arrivalBatches, batches, total, type Shape } from '../workload.js'
import { BATCH_ROWS, RAW_COLUMNS, SESSION_COLUMNS, WITH_SESSIONS, batchRole, rawRow, sessionKey, sessionRow, valuesList, type RawRow } from './rows.js'

const KEY = 'VARBINARY(765)'
const TEXT = 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
const DDL = `CREATE TABLE messages (
  id ${KEY} NOT NULL, session_id ${KEY} NOT NULL, seq BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  content ${TEXT} NOT NULL, metadata ${TEXT} NOT NULL, created_at DATETIME(3) NOT NULL,
  run_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  PRIMARY KEY (id), UNIQUE KEY messages_session_seq (session_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

/** `2024-01-01 10:00:00.000`: what DATETIME(3) takes. */
const mysqlTime = (date: Date): string => date.toISOString().replace('T', ' ').slice(0, 23)
const row = (s: number, m: number): RawRow => rawRow(s, m, mysqlTime)
const insertSql = (rows: number): string => `INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(rows, () => '?')}`

/** A connection to a fresh database holding the library's messages table. */
export interface MySqlRaw {
  readonly connection: mysql.Connection
  readonly database: string
  close(): Promise<void>
}

/** Creates a database on the server (dropped by `close()`). */
export async function createMySqlDatabase(kind: string): Promise<{ database: string; drop(): Promise<void> }> {
  const database = uniqueName(kind)
  const admin = await mysql.createConnection({ ...MYSQL })
  try {
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  } finally {
    await admin.end()
  }
  return {
    database,
    drop: async () => {
      const again = await mysql.createConnection({ ...MYSQL })
      try {
        await again.query(`DROP DATABASE IF EXISTS ${database}`)
      } finally {
        await again.end()
      }
    },
  }
}

export async function openMySqlRaw(): Promise<MySqlRaw> {
  const { database, drop } = await createMySqlDatabase('raw_mysql')
  const connection = await mysql.createConnection({ ...MYSQL, database })
  connection.on('error', () => undefined) // surfaced by the next query
  await connection.query(DDL)
  return {
    connection, database,
    close: async () => {
      try {
        await connection.end()
      } finally {
        await drop()
      }
    },
  }
}

async function insertRows(connection: mysql.Connection, rows: readonly RawRow[]): Promise<void> {
  await connection.query(insertSql(rows.length), rows.flat())
}

/** mysql2, one multi-row INSERT of `size` rows per statement (autocommit: one transaction each); 500 rows is the ceiling. */
export function mysqlCeiling(backend: string, shape: Shape, size = BATCH_ROWS): ThroughputCase {
  const { keyPart, role } = batchRole(size)
  return {
    key: `${backend}/${keyPart}/batch`, backend, label: `raw mysql2 multi-row INSERT ${size} rows`, role,
    shape: `batch ${size}`, messages: total(shape),
    prepare: async () => {
      const raw = await openMySqlRaw()
      const prepared: Prepared = {
        run: async () => {
          for (const batch of batches(shape, size)) await insertRows(raw.connection, batch.map(([s, m]) => row(s, m)))
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** The library's sessions table (its indexes are those a session's first write fills). */
const SESSIONS_DDL = `CREATE TABLE sessions (
  id ${KEY} NOT NULL, user_id ${KEY} NULL, agent_id ${KEY} NULL, name ${TEXT} NULL, metadata ${TEXT} NOT NULL,
  created_at DATETIME(3) NOT NULL, updated_at DATETIME(3) NOT NULL, ended_at DATETIME(3) NULL, last_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (id), KEY sessions_created (created_at, id), KEY sessions_user (user_id, created_at, id), KEY sessions_agent (agent_id, created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

/**
 * S sessions × 1 row per transaction in arrival order, with their sessions' rows upserted in
 * the same transaction (created by a session's first message, last seq and time set by the
 * others): the least a store that keeps a row per session (agentdb's seq and `updatedAt`)
 * writes per group commit, by hand. Two round trips: the upsert, which takes the sessions' row
 * locks, then the INSERT with COMMIT. In one packet with COMMIT, a client cut off while the
 * upsert waited on a lock would see a failure for a write the server goes on to commit
 * (src/stores/mysql/driver.ts): a store that reports failures truthfully cannot do that.
 */
export function mysqlWithSessions(backend: string, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-${shape.sessions}-arrival-sessions/batch`, backend,
    label: `raw mysql2 ${shape.sessions} ${WITH_SESSIONS} per transaction, arrival order`,
    role: 'reference', shape: `batch ${shape.sessions}`, messages: total(shape),
    prepare: async () => {
      const raw = await openMySqlRaw()
      let batchConnection: mysql.Connection
      try {
        await raw.connection.query(SESSIONS_DDL)
        batchConnection = await mysql.createConnection({ ...MYSQL, database: raw.database, multipleStatements: true })
      } catch (error) {
        await raw.close()
        throw error
      }
      batchConnection.on('error', () => undefined)
      const upsert = (rows: number): string => `INSERT INTO sessions (${SESSION_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${SESSION_COLUMNS.map(() => '?').join(', ')})`).join(', ')}
        ON DUPLICATE KEY UPDATE last_seq = VALUES(last_seq), updated_at = VALUES(updated_at)`
      const prepared: Prepared = {
        run: async () => {
          for (const batch of arrivalBatches(shape)) {
            const rows = batch.map(([s, m]) => row(s, m))
            const sessions = batch.map(([s, m], i) => sessionRow(s, m, rows[i]![6]))
            await batchConnection.query(`START TRANSACTION; ${upsert(sessions.length)}`, sessions.flat())
            await batchConnection.query(`${insertSql(rows.length)}; COMMIT`, rows.flat())
          }
        },
        close: async () => {
          try {
            await batchConnection.end()
          } finally {
            await raw.close()
          }
        },
      }
      return prepared
    },
  }
}

/** One autocommit INSERT per message, each awaited. */
export function mysqlNaive(backend: string, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-naive/sequential`, backend, label: 'raw mysql2 INSERT per message', role: 'naive',
    shape: 'naive loop', messages: total(shape),
    prepare: async () => {
      const raw = await openMySqlRaw()
      const prepared: Prepared = {
        run: async () => {
          for (let s = 0; s < shape.sessions; s++) {
            for (let m = 0; m < shape.messages; m++) await insertRows(raw.connection, [row(s, m)])
          }
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** The raw equivalent of `getMessages(id, { limit: 50 })`. */
export async function openMySqlHistory(messages: number, limit: number): Promise<HistoryReader> {
  const raw = await openMySqlRaw()
  for (const batch of batches({ sessions: 1, messages }, BATCH_ROWS)) await insertRows(raw.connection, batch.map(([s, m]) => row(s, m)))
  const sql = `SELECT ${RAW_COLUMNS.join(', ')} FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?`
  return {
    label: 'raw mysql2',
    read: async () => {
      const [rows] = await raw.connection.query<mysql.RowDataPacket[]>(sql, [sessionKey(0), limit])
      for (const r of rows) r['metadata'] = JSON.parse(String(r['metadata'])) as unknown
      return rows.reverse().length
    },
    close: () => raw.close(),
  }
}
