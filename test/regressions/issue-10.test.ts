import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type BetterSqlite3 from 'better-sqlite3'
import type { ResultSetHeader } from 'mysql2/promise'
import { PraisonAIDB } from '../../src/index.js'
import { mysqlDialect } from '../../src/stores/mysql/dialect.js'
import { mysqlMigrations } from '../../src/stores/mysql/migrations.js'
import { postgresDialect } from '../../src/stores/postgres/dialect.js'
import { postgresMigrations } from '../../src/stores/postgres/migrations.js'
import type { Dialect } from '../../src/stores/sql/dialect.js'
import { driveAsync } from '../../src/stores/sql/executor.js'
import { migratePlan, type Migration } from '../../src/stores/sql/migrate.js'
import type { SqlResult } from '../../src/stores/sql/plans.js'
import type { Row } from '../../src/stores/sql/rows.js'
import { placeholders, type SqlStep } from '../../src/stores/sql/statements.js'
import { createTestDatabase, dropTestDatabase, rootUrl, withRoot } from '../mysql/server.js'
import { dropSchemas, PG_URL, withAdmin } from '../postgres/admin.js'

// Issue 10: databases made by schema version 1 (before runs, traces, spans, messages.tool_calls
// and tool_calls.tool_call_id) upgrade in place when the new code opens them.

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
/** Made by the code on main (schema version 1): one session with a user message, a tool call, an assistant message and an ended agent. */
const V1_SQLITE = fileURLToPath(new URL('../../../test/fixtures/v1-sqlite.db', import.meta.url))

/** Checks the v1 records read back intact, then writes and reads the records of version 2. */
async function checkUpgraded(db: PraisonAIDB, session: string): Promise<void> {
  const timeline = await db.getTimeline(session)
  assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? [i.seq, i.message.role, i.message.content, i.message.toolCalls] : [i.seq, i.toolCall.toolName, i.toolCall.result, i.toolCall.toolCallId])), [
    [1, 'user', 'What is 2 + 2?', null],
    [2, 'calculator', { value: 4 }, null],
    [3, 'assistant', 'It is 4.', null],
  ])
  const first = timeline[0]
  assert.ok(first?.kind === 'message')
  assert.deepEqual(first.message.metadata, { lang: 'en' })
  assert.deepEqual((await db.getAgentStates(session)).map((s) => [s.name, s.agentId, s.status]), [['Assistant', 'agent-v1', 'ended']])
  assert.equal((await db.getSession(session))?.userId, 'user-v1')

  await db.aonUserMessage(session, 'And 3 + 3?')
  await db.aonAgentMessage({ sessionId: session, content: '', toolCalls: [{ id: 'call_v2', name: 'calculator', arguments: '{"expression":"3 + 3"}' }] })
  await db.aonToolCall({ sessionId: session, toolName: 'calculator', arguments: { expression: '3 + 3' }, result: 6, toolCallId: 'call_v2' })
  await db.aonRunStart(session, 'run-v2', 'And 3 + 3?')
  await db.aonTraceStart({ sessionId: session, traceId: `trace-${session}`, name: 'turn', runId: 'run-v2', userId: 'user-v1' })
  await db.aonSpanStart({ sessionId: session, traceId: `trace-${session}`, spanId: 'llm', name: 'chat', kind: 'llm' })
  await db.aonSpanEnd({ sessionId: session, traceId: `trace-${session}`, spanId: 'llm', status: 'ok' })
  await db.aonTraceEnd({ sessionId: session, traceId: `trace-${session}`, status: 'ok' })
  await db.aonRunEnd(session, 'run-v2', 'It is 6.', 'completed', { tokens: 9 })

  const calls = await db.getToolCalls(session)
  assert.deepEqual(calls.map((c) => [c.seq, c.toolCallId]), [[2, null], [6, 'call_v2']], 'seqs continue from the v1 session')
  assert.deepEqual((await db.getRuns(session)).map((r) => [r.id, r.status, r.output, r.metrics]), [['run-v2', 'completed', 'It is 6.', { tokens: 9 }]])
  const [trace] = await db.getTraces({ userId: 'user-v1' })
  assert.deepEqual([trace?.id, trace?.status, trace?.spans.map((s) => [s.id, s.status])], [`trace-${session}`, 'ok', [['llm', 'ok']]])
  const history = await db.getHistory(session)
  assert.deepEqual(history.slice(-3), [
    { role: 'user', content: 'And 3 + 3?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_v2', type: 'function', function: { name: 'calculator', arguments: '{"expression":"3 + 3"}' } }] },
    { role: 'tool', tool_call_id: 'call_v2', content: '6' },
  ])
  assert.equal((await db.storeInfo()).schemaVersion, 4)
}

/** Migration 3 (issue 11) indexed the messages written before it: a search finds them. */
async function checkSearchable(db: PraisonAIDB, session: string): Promise<void> {
  assert.deepEqual((await db.searchMessages({ query: 'what', sessionId: session })).items.map((h) => h.seq), [1])
}

/** Creates a schema of version 1 by running migration 1 alone (the frozen statements), as the code of version 1 did. */
async function migrateToV1(d: Dialect, migrations: readonly Migration[], execute: (step: SqlStep) => Promise<SqlResult>): Promise<void> {
  const [first] = migrations
  assert.equal(first?.version, 1)
  assert.equal(await driveAsync(migratePlan(d, [first], new Date().toISOString()), execute), 1)
}

/** The rows of checkUpgraded's session, in the columns of version 1. */
function v1Rows(d: Dialect, session: string): SqlStep[] {
  const at = d.toTime('2025-01-01T10:00:00.000Z')
  const insert = (table: 'sessions' | 'messages' | 'tool_calls' | 'agent_states', columns: string, values: unknown[]): SqlStep =>
    ({ sql: `INSERT INTO ${d.table(table)} (${columns}) VALUES (${placeholders(d, values.length)})`, params: values })
  return [
    insert('sessions', 'id, user_id, agent_id, name, metadata, created_at, updated_at, ended_at, last_seq', [session, 'user-v1', 'agent-v1', 'Assistant', '{}', at, at, at, 3]),
    insert('messages', 'id, session_id, seq, role, content, metadata, created_at, run_id', [`m1-${session}`, session, 1, 'user', 'What is 2 + 2?', '{"lang":"en"}', at, null]),
    insert('tool_calls', 'id, session_id, seq, tool_name, arguments, result, error, duration_ms, metadata, created_at, run_id', [`t1-${session}`, session, 2, 'calculator', '{"expression":"2 + 2"}', '{"value":4}', null, null, '{}', at, null]),
    insert('messages', 'id, session_id, seq, role, content, metadata, created_at, run_id', [`m2-${session}`, session, 3, 'assistant', 'It is 4.', '{}', at, null]),
    insert('agent_states', 'session_id, name, agent_id, status, started_at, ended_at, metadata', [session, 'Assistant', 'agent-v1', 'ended', at, at, '{}']),
  ]
}

describe('issue 10: a schema of version 1 upgrades in place', () => {
  it('SQLite: the file main wrote opens, keeps its records, and takes runs, traces and tool call ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdb-v1-'))
    try {
      const path = join(dir, 'v1.db')
      copyFileSync(V1_SQLITE, path)
      const raw = new Database(path, { readonly: true })
      try {
        assert.equal((raw.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v, 1, 'the fixture is a version 1 file')
        assert.ok(!(raw.pragma('table_info(messages)') as { name: string }[]).some((c) => c.name === 'tool_calls'))
      } finally {
        raw.close()
      }
      {
        await using db = new PraisonAIDB(`sqlite:///${path}`)
        await checkUpgraded(db, 'v1-session')
        assert.equal(db.storeInfoSync().schemaVersion, 4)
        await checkSearchable(db, 'v1-session')
      }
      await using again = new PraisonAIDB(`sqlite:///${path}`)
      assert.deepEqual((await again.getToolCalls('v1-session')).map((c) => c.toolCallId), [null, 'call_v2'], 'the upgraded file opens again as it is')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('PostgreSQL: a version 1 schema opens, keeps its records, and takes runs, traces and tool call ids', async () => {
    const schema = `agentdb_v1_${randomBytes(5).toString('hex')}`
    after(() => dropSchemas(schema))
    const d = postgresDialect(schema)
    await withAdmin(async (client) => {
      await client.query(`CREATE SCHEMA "${schema}"`)
      const execute = async (step: SqlStep): Promise<SqlResult> => {
        const result = await client.query<Row>(step.sql, step.params as unknown[])
        return { rows: result.rows, changes: result.rowCount ?? 0 }
      }
      await migrateToV1(d, postgresMigrations(d), execute)
      for (const step of v1Rows(d, 'pg-v1')) await execute(step)
    })
    await using db = new PraisonAIDB(`${PG_URL}?schema=${schema}`)
    await checkUpgraded(db, 'pg-v1')
    await checkSearchable(db, 'pg-v1')
  })

  it('MariaDB: a version 1 database opens, keeps its records, and takes runs, traces and tool call ids; a migration 2 cut short completes', async () => {
    const database = await createTestDatabase()
    after(() => dropTestDatabase(database))
    // agentdb_ is the default prefix: the first database is the one a plain URL opens
    for (const prefix of ['agentdb_', 'cut_']) {
      const d = mysqlDialect(prefix)
      await withRoot(async (connection) => {
        const execute = async (step: SqlStep): Promise<SqlResult> => {
          const [result] = await connection.query(step.sql, step.params as unknown[])
          return Array.isArray(result) ? { rows: result as Row[], changes: 0 } : { rows: [], changes: (result as ResultSetHeader).affectedRows }
        }
        await migrateToV1(d, mysqlMigrations(d), execute)
        for (const step of v1Rows(d, `mysql-v1-${prefix}`)) await execute(step)
        // MySQL commits each DDL statement: a process killed after migration 2's (and 3's)
        // statements but before their version rows leaves them applied, and the next open runs them again
        if (prefix === 'cut_') for (const migration of mysqlMigrations(d).slice(1)) for (const sql of migration.statements) await execute({ sql, params: [] })
      }, database)
      await using db = new PraisonAIDB(`${rootUrl(database)}${prefix === 'agentdb_' ? '' : `?tablePrefix=${prefix}`}`)
      await checkUpgraded(db, `mysql-v1-${prefix}`)
    }
  })
})
