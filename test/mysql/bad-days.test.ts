import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { inspect } from 'node:util'
import { AgentDBError, ConfigError, PraisonAIDB, StoreUnavailableError } from '../../src/index.js'
import { TcpProxy } from '../support/tcp-proxy.js'
import { connectionIds, createTestDatabase, dropTestDatabase, MYSQL_PORT, queryRows, rootUrl, suffix, withRoot } from './server.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

async function caught(run: () => Promise<unknown>): Promise<AgentDBError> {
  try {
    await run()
  } catch (error) {
    assert.ok(error instanceof AgentDBError, `expected an AgentDBError, got ${inspect(error)}`)
    return error
  }
  assert.fail('expected the call to fail')
}

/** Every string form of the error (with its cause chain) and of the instance that raised it. */
function allText(error: unknown, db: PraisonAIDB): string {
  return [String(error), inspect(error, { depth: 10 }), error instanceof Error ? error.message : '', String(db), inspect(db, { depth: 10 }), db.target].join('\n')
}

function assertNamesTarget(error: AgentDBError, host: string, port: number, database: string): void {
  assert.ok(error.message.includes(host) && error.message.includes(String(port)) && error.message.includes(database), `message names ${host}:${port}/${database}: ${error.message}`)
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Threads of `database` running an INSERT into `table` (PROCESSLIST is live; INNODB_TRX is a cache that frequent reads keep stale). */
async function insertingThreads(database: string, table: string): Promise<number[]> {
  const rows = await queryRows("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE ?", [database, `INSERT INTO \`${table}\`%`])
  return rows.map((row) => Number(row['id']))
}

/** The thread whose upsert into `table` is blocked on a row lock: still running 200 ms after it was first seen. */
async function blockedUpsert(database: string, table: string): Promise<number> {
  let blocked: number | undefined
  await waitFor(`an INSERT into ${table} to wait for a row lock`, async () => {
    const seen = await insertingThreads(database, table)
    if (seen.length === 0) return false
    await sleep(200)
    blocked = (await insertingThreads(database, table)).find((id) => seen.includes(id))
    return blocked !== undefined
  })
  return blocked!
}

describe('MySQL store on bad days', () => {
  let database = ''
  const user = `agentdb_pw_${suffix()}`
  const password = `secret-pw-${suffix()}`
  before(async () => {
    database = await createTestDatabase()
    await withRoot(async (c) => {
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password])
      await c.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO ?@'%'`, [user])
    })
  })
  after(async () => {
    await withRoot((c) => c.query("DROP USER IF EXISTS ?@'%'", [user]))
    await dropTestDatabase(database)
  })

  it('works with the right password and never shows it', async () => {
    await using db = new PraisonAIDB(`mysql://${user}:${password}@127.0.0.1:${MYSQL_PORT}/${database}?tablePrefix=pw_`)
    await db.aonUserMessage('s', 'hello')
    assert.deepEqual((await db.getMessages('s')).map((m) => m.content), ['hello'])
    const text = `${String(db)} ${inspect(db, { depth: 10 })} ${db.target} ${JSON.stringify(db)}`
    assert.ok(!text.includes(password) && !text.includes('secret-pw'), text)
    assert.ok(text.includes(user))
  })

  it('refuses a wrong password with a ConfigError naming host, port and database but no password', async () => {
    const wrong = `secret-pw-wrong-${suffix()}`
    await using db = new PraisonAIDB(`mysql://${user}:${wrong}@127.0.0.1:${MYSQL_PORT}/${database}`)
    const started = Date.now()
    const error = await caught(() => db.aonUserMessage('s', 'x'))
    assert.ok(error instanceof ConfigError, inspect(error))
    assert.equal(error.code, 'URL_INVALID')
    assert.ok(Date.now() - started < 5000, 'not retried')
    assertNamesTarget(error, '127.0.0.1', MYSQL_PORT, database)
    assert.match(error.message, new RegExp(user))
    const text = allText(error, db)
    assert.ok(!text.includes(wrong) && !text.includes(password) && !/secret-pw/.test(text), text)
    assert.match(inspect(error, { depth: 10 }), /ER_ACCESS_DENIED_ERROR/, 'the cause keeps the driver code')
  })

  it('reports a missing database as a ConfigError', async () => {
    const missing = `agentdb_missing_${suffix()}`
    await using db = new PraisonAIDB(`mysql://${user}:${password}@127.0.0.1:${MYSQL_PORT}/${missing}`)
    const error = await caught(() => db.getSession('s'))
    assert.ok(error instanceof ConfigError, inspect(error))
    assertNamesTarget(error, '127.0.0.1', MYSQL_PORT, missing)
    assert.ok(!allText(error, db).includes(password))
  })

  it('reports an unknown host and a closed port as StoreUnavailableError after the retry deadline', async () => {
    const closed = await freePort()
    for (const [host, port] of [['no-such-host.invalid', MYSQL_PORT], ['127.0.0.1', closed]] as const) {
      await using db = new PraisonAIDB(`mysql://${user}:${password}@${host}:${port}/${database}`, { retryDeadlineMs: 300, connectTimeoutMs: 2000 })
      const error = await caught(() => db.aonUserMessage('s', 'x'))
      assert.ok(error instanceof StoreUnavailableError, inspect(error))
      assert.equal(error.code, 'STORE_UNAVAILABLE')
      assertNamesTarget(error, host, port, database)
      const text = allText(error, db)
      assert.ok(!text.includes(password) && !/secret-pw/.test(text), text)
    }
  })

  it('retries a write while the server is away and commits it once it is back', async () => {
    const proxy = await TcpProxy.start(MYSQL_PORT)
    try {
      await using db = new PraisonAIDB(`${rootUrl(database, proxy.port)}?tablePrefix=cut_`)
      await db.aonUserMessage('s', 'before')
      assert.ok(proxy.cut() >= 1, 'the cut dropped the pool\'s connection')
      let settled = false
      const pending = db.aonUserMessage('s', 'during').finally(() => { settled = true })
      await sleep(400)
      assert.equal(settled, false, 'the write waits for the server')
      assert.ok(proxy.refused >= 1, 'the store tried to reconnect while the server was away')
      proxy.restore()
      await pending
      await db.aonUserMessage('s', 'after')
      assert.deepEqual((await db.getMessages('s')).map((m) => [m.content, m.seq]), [['before', 1], ['during', 2], ['after', 3]])
    } finally {
      await proxy.close()
    }
  })

  it('rejects after the deadline when the server stays away, with nothing half-written', async () => {
    const proxy = await TcpProxy.start(MYSQL_PORT)
    const [a, b] = ['half-a', 'half-b']
    try {
      await using db = new PraisonAIDB(`${rootUrl(database, proxy.port)}?tablePrefix=half_`, { retryDeadlineMs: 1500 })
      await db.aonUserMessage(a, 'seed')
      await db.aonUserMessage(b, 'seed')
      // Hold session b's row so the store's transaction updates a, then waits: cut it there.
      await withRoot(async (admin) => {
        await admin.query('START TRANSACTION')
        await admin.query('SELECT id FROM half_sessions WHERE id = ? FOR UPDATE', [b])
        const started = Date.now()
        const writes = Promise.allSettled([db.aonUserMessage(a, 'lost'), db.aonUserMessage(b, 'lost')])
        const thread = await blockedUpsert(database, 'half_sessions')
        assert.ok(proxy.cut() >= 1, 'the cut dropped the blocked connection')
        await admin.query('COMMIT')
        for (const result of await writes) {
          assert.equal(result.status, 'rejected')
          const error = (result as PromiseRejectedResult).reason as unknown
          assert.ok(error instanceof StoreUnavailableError, inspect(error))
          assertNamesTarget(error, '127.0.0.1', proxy.port, database)
        }
        const waited = Date.now() - started
        assert.ok(waited >= 1500 && waited < 10_000, `rejected after ${waited} ms, the deadline being 1500 ms`)
        // The server rolls back the cut connection's transaction when its thread ends.
        await waitFor('the cut connection\'s thread to end', async () => !(await connectionIds(database)).includes(thread))
      }, database)
      proxy.restore()
      const sessions = await queryRows('SELECT id, last_seq FROM half_sessions ORDER BY id', [], database)
      assert.deepEqual(sessions.map((r) => [String(r['id']), Number(r['last_seq'])]), [[a, 1], [b, 1]])
      assert.deepEqual((await db.getMessages(a)).map((m) => m.content), ['seed'])
      assert.deepEqual((await db.getMessages(b)).map((m) => m.content), ['seed'])
      await db.aonUserMessage(a, 'back')
      assert.deepEqual((await db.getMessages(a)).map((m) => [m.content, m.seq]), [['seed', 1], ['back', 2]])
    } finally {
      await proxy.close()
    }
  })

  it('replaces pool connections killed on the server, idle or mid-run', async () => {
    await using db = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=kill_&poolSize=4`)
    for (let i = 0; i < 10; i++) await db.aonUserMessage('k', `${i}`)
    const idle = await connectionIds(database)
    assert.ok(idle.length > 0)
    await withRoot(async (admin) => { for (const id of idle) await admin.query('KILL ?', [id]) })
    await waitFor('the killed connections to end', async () => !(await connectionIds(database)).some((id) => idle.includes(id)))
    for (let i = 10; i < 20; i++) await db.aonUserMessage('k', `${i}`)
    const writes: Promise<void>[] = []
    let killed = 0
    for (let i = 20; i < 220; i++) {
      writes.push(db.aonUserMessage('k', `${i}`))
      if (i % 50 === 0) {
        await sleep(5)
        await withRoot(async (admin) => {
          for (const id of await connectionIds(database)) {
            try {
              await admin.query('KILL ?', [id])
              killed++
            } catch (error) {
              // the connection ended between the listing and the KILL; anything else is a failure
              if ((error as { code?: unknown }).code !== 'ER_NO_SUCH_THREAD') throw error
            }
          }
        })
      }
    }
    assert.ok(killed >= 1, 'connections were killed while writes were in flight')
    await Promise.all(writes)
    const messages = await db.getMessages('k')
    assert.deepEqual(messages.map((m) => Number(m.content)), Array.from({ length: 220 }, (_, i) => i), 'each write exactly once, in call order')
    for (let i = 1; i < messages.length; i++) assert.ok(messages[i]!.seq > messages[i - 1]!.seq)
    assert.ok(!(await connectionIds(database)).some((id) => idle.includes(id)), 'killed connections are gone from the pool')
  })

  it('reports a deadlock as StoreUnavailableError, so the core retries the whole transaction', async () => {
    const deadlocks = async () => Number((await queryRows("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"))[0]?.['Value'])
    await withRoot((admin) => admin.query('CREATE TABLE dead_weight (n INT NOT NULL)'), database)
    /** Locks b, lets the store's batch lock a and wait for b, then asks for a: a deadlock. */
    const deadlock = async (db: PraisonAIDB, a: string, b: string): Promise<PromiseSettledResult<void>[]> => {
      await db.aonUserMessage(a, 'seed')
      await db.aonUserMessage(b, 'seed')
      const before = await deadlocks()
      const settled = await withRoot(async (admin) => {
        await admin.query('START TRANSACTION')
        // InnoDB rolls back the transaction that changed fewer rows: make that the store's.
        await admin.query(`INSERT INTO dead_weight (n) VALUES ${Array.from({ length: 500 }, (_, i) => `(${i})`).join(', ')}`)
        await admin.query('SELECT id FROM dead_sessions WHERE id = ? FOR UPDATE', [b])
        const writes = Promise.allSettled([db.aonUserMessage(a, 'x'), db.aonUserMessage(b, 'y')])
        await blockedUpsert(database, 'dead_sessions')
        await admin.query('SELECT id FROM dead_sessions WHERE id = ? FOR UPDATE', [a])
        await admin.query('ROLLBACK')
        return writes
      }, database)
      assert.ok((await deadlocks()) > before, 'a deadlock happened')
      return settled
    }
    {
      // the tables first, with the default deadline: under a full test run the migration can
      // outlast the bound a store without retries gives its open
      await using migrated = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=dead_`)
      assert.equal(await migrated.getSession('once-a'), null)
    }
    {
      await using db = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=dead_`, { retryDeadlineMs: 0 })
      for (const result of await deadlock(db, 'once-a', 'once-b')) {
        assert.equal(result.status, 'rejected')
        const error = (result as PromiseRejectedResult).reason as unknown
        assert.ok(error instanceof StoreUnavailableError && /ER_LOCK_DEADLOCK/.test(error.message), inspect(error))
      }
      assert.deepEqual((await db.getMessages('once-a')).map((m) => m.content), ['seed'], 'the victim was rolled back')
    }
    await using db = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=dead_`)
    assert.deepEqual((await deadlock(db, 'dead-a', 'dead-b')).map((r) => r.status), ['fulfilled', 'fulfilled'])
    assert.deepEqual((await db.getMessages('dead-a')).map((m) => [m.content, m.seq]), [['seed', 1], ['x', 2]])
    assert.deepEqual((await db.getMessages('dead-b')).map((m) => [m.content, m.seq]), [['seed', 1], ['y', 2]])
  })

  it('ends every pool connection on aclose()', async () => {
    assert.deepEqual(await connectionIds(database), [])
    const db = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=pool_&poolSize=3`)
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? db.aonUserMessage(`p${i % 5}`, `${i}`) : db.getMessages(`p${i % 5}`))))
    const open = await connectionIds(database)
    assert.ok(open.length >= 1 && open.length <= 3, `${open.length} connections`)
    await db.aclose()
    await waitFor('the pool to end its connections', async () => (await connectionIds(database)).length === 0)
    await db.aclose()
    await db.aonUserMessage('p0', 'reopened')
    assert.ok((await connectionIds(database)).length >= 1)
    await db.aclose()
    await waitFor('the pool to end its connections again', async () => (await connectionIds(database)).length === 0)
  })
})
