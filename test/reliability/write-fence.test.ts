// RELIABILITY.md defect 6: a write whose attempt timed out (its hook rejected with
// StoreUnavailableError) could still commit later, after a later write of its session. Before
// a store starts a write, it now ends the server sessions of writes that still run: the
// rejected write commits before the next write or never. A row lock held by another connection
// keeps the first write's statement waiting on the server, as a paused server would.
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

describe('WriteFence', () => {
  it('ends the sessions of writes still running and waits for them, and only then lets the next write go', async () => {
    const fence = new WriteFence<number>()
    let finish!: () => void
    const running = new Promise<void>((resolve) => { finish = resolve })
    void fence.track(7, running)
    assert.equal(fence.busy, true)
    const ended: number[][] = []
    let passed = false
    const waiting = fence.before(async (ids) => { ended.push([...ids]) }).then(() => { passed = true })
    await sleep(20)
    assert.deepEqual(ended, [[7]], 'the running write\'s session is ended')
    assert.equal(passed, false, 'the next write waits until the ended one settles')
    finish()
    await waiting
    assert.equal(passed, true)
    assert.equal(fence.busy, false)
    await fence.before(() => { throw new Error('nothing runs: nothing to end') })
  })

  it('still waits for a running write when ending its session fails', async () => {
    const fence = new WriteFence<number>()
    let finish!: () => void
    void fence.track(3, new Promise<void>((resolve) => { finish = resolve }))
    let passed = false
    const waiting = fence.before(() => Promise.reject(new Error('permission denied to terminate'))).then(() => { passed = true })
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
  try {
    // its statement waits for the row lock on the server until the attempt times out
    await assert.rejects(db.aonUserMessage('held', 'rejected'), (error: unknown) => error instanceof StoreUnavailableError)
    // the next write ends the session of the rejected one, which then can no longer commit
    await db.aonUserMessage('other', 'next')
  } finally {
    await held.release()
  }
  await sleep(500) // time for a statement that was not ended to commit once the lock is gone
  assert.deepEqual((await db.getMessages('held')).map((m) => m.content), ['first'], 'the rejected write never committed after the later one')
  await db.aonUserMessage('held', 'after')
  assert.deepEqual((await db.getMessages('held')).map((m) => [m.seq, m.content]).map(([, c]) => c), ['first', 'after'])
  assert.deepEqual((await db.getMessages('other')).map((m) => m.content), ['next'])
}

describe('a write after a timed-out one ends it first', () => {
  const schemas: string[] = []
  const databases: string[] = []
  after(async () => {
    await dropSchemas(...schemas)
    for (const name of databases) await dropTestDatabase(name)
  })

  it('PostgreSQL', async () => {
    const schema = `fence_${process.pid}_${Date.now()}`
    schemas.push(schema)
    await checkFence(`${PG_URL}?schema=${schema}`, async (id) => {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      await client.query('BEGIN')
      await client.query(`SELECT 1 FROM "${schema}".sessions WHERE id = $1 FOR UPDATE`, [id])
      return { release: async () => { await client.query('COMMIT'); await client.end() } }
    })
  })

  it('MariaDB', async () => {
    const database = await createTestDatabase()
    databases.push(database)
    await checkFence(rootUrl(database), async (id) => {
      const connection = await createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: 'root', database })
      try {
        await connection.query('START TRANSACTION')
        await connection.query('SELECT 1 FROM agentdb_sessions WHERE id = ? FOR UPDATE', [id]) // the default table prefix
      } catch (error) {
        await connection.end()
        throw error
      }
      return { release: async () => { await connection.query('COMMIT'); await connection.end() } }
    })
  })
})
