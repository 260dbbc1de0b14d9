import pg from 'pg'
import type { Prepared, ThroughputCase } from '../case.js'
import type { HistoryReader } from '../history.js'
import { PG_ADMIN_URL, uniqueName } from '../targets.js'
import { arrivalBatches, batches, total, type Shape } from '../workload.js'
import { BATCH_ROWS, RAW_COLUMNS, SESSION_COLUMNS, WITH_SESSIONS, batchRole, rawRow, sessionKey, sessionRow, valuesList, type RawRow } from './rows.js'

const KEY = 'TEXT COLLATE "C"'
const DDL = `CREATE TABLE messages (
  id ${KEY} NOT NULL PRIMARY KEY, session_id ${KEY} NOT NULL, seq BIGINT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
  content TEXT NOT NULL, metadata JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL, run_id TEXT);
CREATE UNIQUE INDEX messages_session_seq ON messages (session_id, seq)`

const ARRAY_TYPES = ['text', 'text', 'bigint', 'text', 'text', 'jsonb', 'timestamptz', 'text'] as const

const multiRowSql = (rows: number): string => `INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(rows, (i) => `$${i}`)}`
const UNNEST_SQL = `INSERT INTO messages (${RAW_COLUMNS.join(', ')}) SELECT * FROM unnest(${ARRAY_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`

/** A connection to a fresh schema holding the library's messages table. */
export interface PgRaw {
  readonly client: pg.Client
  readonly schema: string
  insertOne(row: RawRow): Promise<void>
  close(): Promise<void>
}

/** Creates a fresh schema with the raw table and connects to it; `close()` drops the schema. */
export async function openPgRaw(): Promise<PgRaw> {
  const schema = uniqueName('raw_pg')
  const client = new pg.Client({ connectionString: PG_ADMIN_URL })
  client.on('error', () => undefined) // surfaced by the next query
  await client.connect()
  await client.query(`CREATE SCHEMA ${schema}`)
  await client.query(`SET search_path TO ${schema}`)
  await client.query(DDL)
  const single = multiRowSql(1)
  return {
    client, schema,
    insertOne: async (row) => { await client.query({ text: single, values: row, name: 'insert_one' }) },
    close: async () => {
      try {
        await client.query(`DROP SCHEMA ${schema} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}

/** Column arrays of some rows, for `unnest`. */
function columnArrays(rows: readonly RawRow[]): unknown[][] {
  return RAW_COLUMNS.map((_, c) => rows.map((row) => row[c]))
}

async function insertMultiRow(client: pg.Client, rows: readonly RawRow[]): Promise<void> {
  await client.query(multiRowSql(rows.length), rows.flat())
}

async function insertUnnest(client: pg.Client, rows: readonly RawRow[]): Promise<void> {
  await client.query(UNNEST_SQL, columnArrays(rows))
}

function batchCase(backend: string, shape: Shape, method: 'multi-row' | 'unnest', size: number): ThroughputCase {
  const insert = method === 'multi-row' ? insertMultiRow : insertUnnest
  const { keyPart, role } = batchRole(size, method)
  return {
    key: `${backend}/${keyPart}/batch`, backend,
    label: method === 'multi-row' ? `raw pg multi-row INSERT ${size} rows` : `raw pg INSERT…SELECT unnest ${size} rows`,
    role, shape: `batch ${size}`, messages: total(shape),
    prepare: async () => {
      const raw = await openPgRaw()
      const prepared: Prepared = {
        run: async () => {
          for (const batch of batches(shape, size)) await insert(raw.client, batch.map(([s, m]) => rawRow(s, m)))
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** Raw pg batches: a multi-row INSERT and an `INSERT … SELECT FROM unnest` of column arrays, one statement (one transaction) each; 500 rows is the ceiling. */
export function pgCeilings(backend: string, shape: Shape, size = BATCH_ROWS): ThroughputCase[] {
  return [batchCase(backend, shape, 'multi-row', size), batchCase(backend, shape, 'unnest', size)]
}

/** The library's sessions table (its indexes are those a session's first write fills). */
const SESSIONS_DDL = `CREATE TABLE sessions (
  id ${KEY} NOT NULL PRIMARY KEY, user_id ${KEY}, agent_id ${KEY}, name TEXT, metadata JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ, last_seq BIGINT NOT NULL DEFAULT 0);
CREATE INDEX sessions_created ON sessions (created_at, id);
CREATE INDEX sessions_user ON sessions (user_id, created_at, id);
CREATE INDEX sessions_agent ON sessions (agent_id, created_at, id)`

const SESSION_TYPES = ['text', 'text', 'text', 'text', 'jsonb', 'timestamptz', 'timestamptz', 'timestamptz', 'bigint'] as const
const unnestOf = (types: readonly string[], first: number): string => `unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')})`
const WITH_SESSIONS_SQL = `WITH s AS (
  INSERT INTO sessions (${SESSION_COLUMNS.join(', ')}) SELECT * FROM ${unnestOf(SESSION_TYPES, 1)}
  ON CONFLICT (id) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = EXCLUDED.updated_at)
INSERT INTO messages (${RAW_COLUMNS.join(', ')}) SELECT * FROM ${unnestOf(ARRAY_TYPES, SESSION_TYPES.length + 1)}`

/**
 * S sessions × 1 row per statement in arrival order, with their sessions' rows upserted in the
 * same statement (created by a session's first message, last seq and time set by the others):
 * the least a store that keeps a row per session (agentdb's seq and `updatedAt`) writes per
 * group commit, by hand, from column arrays, rows built inside the clock as in the ceilings.
 */
export function pgWithSessions(backend: string, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-${shape.sessions}-arrival-sessions/batch`, backend,
    label: `raw pg unnest, ${shape.sessions} ${WITH_SESSIONS} per statement, arrival order`,
    role: 'reference', shape: `batch ${shape.sessions}`, messages: total(shape),
    prepare: async () => {
      const raw = await openPgRaw()
      await raw.client.query(SESSIONS_DDL).catch(async (error: unknown) => {
        await raw.close()
        throw error
      })
      const prepared: Prepared = {
        run: async () => {
          for (const batch of arrivalBatches(shape)) {
            const rows = batch.map(([s, m]) => rawRow(s, m))
            const sessions = batch.map(([s, m], i) => sessionRow(s, m, rows[i]![6]))
            const values = [...SESSION_COLUMNS.map((_, c) => sessions.map((r) => r[c])), ...columnArrays(rows)]
            await raw.client.query({ text: WITH_SESSIONS_SQL, values, name: 'with_sessions' })
          }
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** One autocommit INSERT per message on one connection, each awaited. */
export function pgNaive(backend: string, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-naive/sequential`, backend, label: 'raw pg INSERT per message', role: 'naive',
    shape: 'naive loop', messages: total(shape),
    prepare: async () => {
      const raw = await openPgRaw()
      const prepared: Prepared = {
        run: async () => {
          for (let s = 0; s < shape.sessions; s++) {
            for (let m = 0; m < shape.messages; m++) await raw.insertOne(rawRow(s, m))
          }
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** The raw equivalent of `getMessages(id, { limit: 50 })`. */
export async function openPgHistory(messages: number, limit: number): Promise<HistoryReader> {
  const raw = await openPgRaw()
  for (const batch of batches({ sessions: 1, messages }, BATCH_ROWS)) await insertUnnest(raw.client, batch.map(([s, m]) => rawRow(s, m)))
  await raw.client.query('ANALYZE messages')
  const text = `SELECT ${RAW_COLUMNS.join(', ')} FROM messages WHERE session_id = $1 ORDER BY seq DESC LIMIT $2`
  return {
    label: 'raw pg',
    read: async () => {
      const { rows } = await raw.client.query({ text, values: [sessionKey(0), limit], name: 'history' })
      return rows.reverse().length
    },
    close: () => raw.close(),
  }
}
