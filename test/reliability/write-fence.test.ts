// RELIABILITY.md defect 6: a write whose attempt timed out (its hook rejected with
// StoreUnavailableError) could still commit later, after a later write of its session. Before
// a store starts a write, it now ends the server sessions of the writes of its sessions that
// still run: the rejected write commits before the next write of its session or never. A row
// lock held by another connection keeps the first write's statement waiting on the server, as a
// paused server would. Writes of other sessions run beside it (issue 9: batches in flight).
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { createConnection } from 'mysql2/promise'
import { PraisonAIDB, StoreUnavailableError } from '../../src/index.js'
import { WriteFence } from '../../src/stores/sql/write-fence.js'
import { MYSQL_HOST, MYSQL_PORT, createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { PG_URL, dropSchemas } from '../postgres/admin.js'

const DEADLINE_MS = 800
const of = (...ids: string[]): Set<string> => new Set(ids)

describe('WriteFence', () => {
  it('ends the sessions of running writes that share a session with the next one, waits for them, and only then lets it go', async () => {
    const fence = new WriteFence<number>()
    let finish!: () => void
    const running = new Promise<void>((resolve) => { finish = resolve })
    void fence.track(7, of('a', 'b'), running)
    void fence.track(8, of('c'), new Promise<void>(() => undefined)) // runs on: another session's write
    assert.equal(fence.busy, true)
    const ended: number[][] = []
    let passed = false
    const waiting = fence.before(of('b', 'x'), async (ids) => { ended.push([...ids]) }).then(() => { passed = true })
    await sleep(20)
    assert.deepEqual(ended, [[7]], 'the running write of session b is ended, not the write of c')
    assert.equal(passed, false, 'the next write waits until the ended one settles')
    finish()
    await waiting
    assert.equal(passed, true)
    assert.equal(fence.busy, true, 'the write of c still runs')
    await fence.before(of('a', 'b', 'x'), () => { throw new Error('no running write shares a session: nothing to end') })
  })

  it('still waits for a running write when ending its session fails', async () => {
    const fence = new WriteFence<number>()
    let finish!: () => void
    void fence.track(3, of('a'), new Promise<void>((resolve) => { finish = resolve }))
    let passed = false
    const waiting = fence.before(of('a'), () => Promise.reject(new Error('permission denied to terminate'))).then(() => { passed = true })
    await sleep(20)
    assert.equal(passed, false, 'the next write still waits')
    finish()
    await waiting
    assert.equal(passed, true)
  })
})

/** Holds a lock on the row of session `id` until `release()`. */
interface RowLock { release(): Promise<void> }

async function checkFence(url: string, lock: (id: string) => Promise<RowLock>): Promise<void> {
  await using db = new PraisonAIDB(url, { retryDeadlineMs: DEADLINE_MS })
  await db.aonUserMessage('held', 'first')
  const held = await lock('held')
  let next: Promise<void>
  try {
    // its statement waits for the row lock on the server until the attempt times out
    await assert.rejects(db.aonUserMessage('held', 'rejected'), (error: unknown) => error instanceof StoreUnavailableError)
    // a write of another session runs beside it
    await db.aonUserMessage('other', 'beside')
    // the next write of the session ends the rejected one first, then waits for the lock itself
    next = db.aonUserMessage('held', 'next')
    await sleep(150)
  } finally {
    await held.release()
  }
  await next
  await sleep(300) // time for a statement that was not ended to commit
  assert.deepEqual((await db.getMessages('held')).map((m) => m.content), ['first', 'next'], 'the rejected write never committed after the later one')
  assert.deepEqual((await db.getMessages('other')).map((m) => m.content), ['beside'])
}

/**
 * Issue 9: group commit keeps several batches in flight on a pool (`Backend.writesInFlight`).
 * While one batch waits on the server for a row lock, writes of other sessions still commit,
 * one awaited batch after another; the held session's own next write waits for it.
 */
async function checkBeside(url: string, lock: (id: string) => Promise<RowLock>): Promise<void> {
  await using db = new PraisonAIDB(url, { retryDeadlineMs: 20_000 })
  await db.aonUserMessage('held', 'first')
  const held = await lock('held')
  const settled: string[] = []
  let waiting: Promise<void>[]
  try {
    waiting = ['second', 'third'].map((content) => db.aonUserMessage('held', content).then(() => { settled.push(content) }))
    await sleep(50)
    for (let i = 0; i < 5; i++) {
      const beside = db.aonUserMessage(`other-${i}`, 'beside')
      const lateMs = 5000
      const late = sleep(lateMs).then(() => { throw new Error(`a write of another session waited ${lateMs} ms behind the held batch`) })
      await Promise.race([beside, late])
    }
    assert.deepEqual(settled, [], 'the held session\'s writes still wait')
  } finally {
    await held.release()
  }
  await Promise.all(waiting)
  assert.deepEqual((await db.getMessages('held')).map((m) => [m.seq, m.content]), [[1, 'first'], [2, 'second'], [3, 'third']])
  for (let i = 0; i < 5; i++) assert.deepEqual((await db.getMessages(`other-${i}`)).map((m) => m.content), ['beside'])
}

const pgLock = (schema: string) => async (id: string): Promise<RowLock> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await client.query('BEGIN')
  await client.query(`SELECT 1 FROM "${schema}".sessions WHERE id = $1 FOR UPDATE`, [id])
  return { release: async () => { await client.query('COMMIT'); await client.end() } }
}

const mysqlLock = (database: string) => async (id: string): Promise<RowLock> => {
  const connection = await createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: 'root', database })
  try {
    await connection.query('START TRANSACTION')
    await connection.query('SELECT 1 FROM agentdb_sessions WHERE id = ? FOR UPDATE', [id]) // the default table prefix
  } catch (error) {
    await connection.end()
    throw error
  }
  return { release: async () => { await connection.query('COMMIT'); await connection.end() } }
}

describe('a write after a timed-out one of its session ends it first; other sessions\' writes run beside a held one', () => {
  const schemas: string[] = []
  const databases: string[] = []
  after(async () => {
    await dropSchemas(...schemas)
    for (const name of databases) await dropTestDatabase(name)
  })
  const pgSchema = (): string => {
    const schema = `fence_${process.pid}_${Date.now()}_${schemas.length}`
    schemas.push(schema)
    return schema
  }
  const mysqlDatabase = async (): Promise<string> => {
    const database = await createTestDatabase()
    databases.push(database)
    return database
  }

  it('PostgreSQL: the timed-out write is ended', async () => {
    const schema = pgSchema()
    await checkFence(`${PG_URL}?schema=${schema}`, pgLock(schema))
  })

  it('PostgreSQL: other sessions commit beside a held batch', async () => {
    const schema = pgSchema()
    await checkBeside(`${PG_URL}?schema=${schema}`, pgLock(schema))
  })

  it('MariaDB: the timed-out write is ended', async () => {
    const database = await mysqlDatabase()
    await checkFence(rootUrl(database), mysqlLock(database))
  })

  it('MariaDB: other sessions commit beside a held batch', async () => {
    const database = await mysqlDatabase()
    await checkBeside(rootUrl(database), mysqlLock(database))
  })
})
