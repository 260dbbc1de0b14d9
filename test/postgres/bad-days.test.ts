import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { inspect } from 'node:util'
import pg from 'pg'
import { ConfigError, PraisonAIDB, StoreUnavailableError, type PraisonAIDBOptions } from '../../src/index.js'
import { TcpProxy } from '../support/tcp-proxy.js'

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test'
const suffix = randomBytes(5).toString('hex')
const schema = `agentdb_bad_${suffix}`
const SECRET = `secret-pw-${suffix}`
const admin = new pg.Client({ connectionString: ADMIN_URL })
let appCount = 0

/** A unique application_name per PraisonAIDB, so pg_stat_activity shows exactly its connections. */
const appName = (): string => `agentdb_bad_${suffix}_${appCount++}`

async function connectionsOf(applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName])
  return Number(rows[0]?.n)
}

/** Backends exit asynchronously after the client hangs up: poll until the count settles. */
async function waitForConnections(applicationName: string, expected: number): Promise<number> {
  let count = await connectionsOf(applicationName)
  for (let i = 0; i < 50 && count !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    count = await connectionsOf(applicationName)
  }
  return count
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function rejection(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run()
  } catch (error) {
    assert.ok(error instanceof Error)
    return error
  }
  assert.fail('expected a rejection')
}

/** The error names where it tried to connect, and nothing shows the password. */
function assertSafe(error: Error, db: PraisonAIDB, where: { host: string; port: number; database: string }): void {
  for (const part of [where.host, String(where.port), where.database]) assert.ok(error.message.includes(part), `"${error.message}" names ${part}`)
  const shown = [error.message, String(error), inspect(error, { depth: 10 }), inspect(db, { depth: 10 }), String(db), db.target]
  for (const text of shown) assert.ok(!text.includes(SECRET), `the password leaked into: ${text.slice(0, 500)}`)
}

describe('postgres bad days', () => {
  before(async () => {
    await admin.connect()
    await admin.query(`CREATE ROLE "agentdb_nologin_${suffix}" NOLOGIN`)
  })

  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.query(`DROP ROLE IF EXISTS "agentdb_nologin_${suffix}"`)
    await admin.end()
  })

  const open = (url: string, options: PraisonAIDBOptions = {}): PraisonAIDB => new PraisonAIDB(url, { schema, ...options })

  it('names a missing database in a ConfigError (3D000), without the password', async () => {
    const database = `agentdb_missing_${suffix}`
    await using db = open(`postgresql://postgres:${SECRET}@127.0.0.1:5432/${database}`)
    const error = await rejection(() => db.aonUserMessage('s', 'hello'))
    assert.ok(error instanceof ConfigError, String(error))
    assert.equal(error.code, 'URL_INVALID')
    assertSafe(error, db, { host: '127.0.0.1', port: 5432, database })
  })

  it('refuses an unknown role and a role that may not log in with a ConfigError (28000)', async () => {
    // The test server trusts 127.0.0.1, so a wrong password (28P01) cannot be provoked; a refused
    // role takes the same path (SQLSTATE class 28) through the store.
    for (const role of [`agentdb_no_role_${suffix}`, `agentdb_nologin_${suffix}`]) {
      await using db = open(`postgresql://${role}:${SECRET}@127.0.0.1:5432/test`)
      const error = await rejection(() => db.aonUserMessage('s', 'hello'))
      assert.ok(error instanceof ConfigError, String(error))
      assert.equal(error.code, 'URL_INVALID')
      assert.match(error.message, new RegExp(role))
      assertSafe(error, db, { host: '127.0.0.1', port: 5432, database: 'test' })
    }
  })

  it('reports an unknown host as StoreUnavailableError after the retry deadline', async () => {
    const host = `agentdb-no-such-host-${suffix}.invalid`
    await using db = open(`postgresql://postgres:${SECRET}@${host}:5432/test`, { retryDeadlineMs: 300 })
    const error = await rejection(() => db.aonUserMessage('s', 'hello'))
    assert.ok(error instanceof StoreUnavailableError, String(error))
    assert.equal(error.code, 'STORE_UNAVAILABLE')
    assertSafe(error, db, { host, port: 5432, database: 'test' })
  })

  it('reports a closed port as StoreUnavailableError after the retry deadline', async () => {
    const port = await freePort()
    await using db = open(`postgres://postgres:${SECRET}@127.0.0.1:${port}/test`, { retryDeadlineMs: 300 })
    const error = await rejection(() => db.getSession('s'))
    assert.ok(error instanceof StoreUnavailableError, String(error))
    assertSafe(error, db, { host: '127.0.0.1', port, database: 'test' })
  })

  it('says ssl=true is wrong for a server without SSL', async () => {
    await using db = open(`postgresql://postgres:${SECRET}@127.0.0.1:5432/test?ssl=true`)
    const error = await rejection(() => db.aonUserMessage('s', 'hello'))
    assert.ok(error instanceof ConfigError, String(error))
    assert.equal(error.code, 'OPTION_INVALID')
    assertSafe(error, db, { host: '127.0.0.1', port: 5432, database: 'test' })
  })

  it('rejects invalid options when constructed', () => {
    const cases: [string, PraisonAIDBOptions][] = [
      [`${ADMIN_URL}?schema=bad-name`, {}],
      [ADMIN_URL, { schema: 'x"; DROP SCHEMA public; --' }],
      [`${ADMIN_URL}?poolSize=0`, {}],
      [`${ADMIN_URL}?connectTimeoutMs=soon`, {}],
      [`${ADMIN_URL}?ssl=maybe`, {}],
      [ADMIN_URL, { applicationName: 'ünïcode' }],
      [`${ADMIN_URL}?sslmode=require`, {}],
    ]
    for (const [url, options] of cases) {
      assert.throws(() => new PraisonAIDB(url, options), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID', url)
    }
  })

  it('retries a write while the server is away and commits it once it is back', async () => {
    const proxy = await TcpProxy.start(5432)
    try {
      await using db = open(`postgresql://postgres:${SECRET}@127.0.0.1:${proxy.port}/test`, { retryDeadlineMs: 20_000, applicationName: appName() })
      const s = `outage-${suffix}`
      await db.aonUserMessage(s, 'before')
      assert.ok(proxy.cut() >= 1, 'the cut dropped the pool\'s connection')
      let settled = false
      const pending = db.aonUserMessage(s, 'during').finally(() => { settled = true })
      await new Promise((resolve) => setTimeout(resolve, 700))
      assert.equal(settled, false, 'the write waits for the server')
      assert.ok(proxy.refused >= 1, 'the store tried to reconnect while the server was away')
      proxy.restore()
      await pending
      await db.aonUserMessage(s, 'after')
      assert.deepEqual((await db.getMessages(s)).map((m) => [m.content, m.seq]), [['before', 1], ['during', 2], ['after', 3]])
    } finally {
      await proxy.close()
    }
  })

  it('rejects with StoreUnavailableError when the server stays away, leaving nothing half-written', async () => {
    const proxy = await TcpProxy.start(5432)
    const sessions = Array.from({ length: 20 }, (_, i) => `gone-${suffix}-${i}`)
    let chains: { acknowledged: number; error: unknown }[] = []
    try {
      await using db = open(`postgresql://postgres:${SECRET}@127.0.0.1:${proxy.port}/test`, { retryDeadlineMs: 1500, applicationName: appName() })
      let acknowledged = 0
      let dropped = 0
      // 20 sessions append 10 messages each; the server goes away for good soon after the 30th
      // commit, at a random point of the next batch's transaction
      chains = await Promise.all(sessions.map(async (s) => {
        let done = 0
        try {
          for (let k = 0; k < 10; k++) {
            await (k % 3 === 1 ? db.aonToolCall(s, 'tool', { k }, k) : db.aonUserMessage(s, `${k}`))
            done++
            if (++acknowledged === 30) setTimeout(() => { dropped = proxy.cut() }, Math.random() * 4)
          }
        } catch (error) {
          return { acknowledged: done, error }
        }
        return { acknowledged: done, error: undefined }
      }))
      assert.ok(dropped >= 1, 'the cut dropped the pool\'s connections')
      const failed = chains.filter((c) => c.error !== undefined)
      assert.ok(failed.length > 0, 'writes after the cut fail')
      for (const { error } of failed) {
        assert.ok(error instanceof StoreUnavailableError, String(error))
        assertSafe(error, db, { host: '127.0.0.1', port: proxy.port, database: 'test' })
      }
      proxy.restore()
    } finally {
      await proxy.close()
    }
    // Batches are atomic and commit in order: each session holds a prefix of its calls, with every
    // acknowledged write and at most the one write whose commit was not acknowledged
    await using direct = open(ADMIN_URL)
    for (const [i, s] of sessions.entries()) {
      const session = await direct.getSession(s)
      const timeline = await direct.getTimeline(s)
      const { acknowledged } = chains[i]!
      assert.equal(session === null, timeline.length === 0, `session ${s} exists exactly when something was written to it`)
      assert.ok(timeline.length >= acknowledged && timeline.length <= acknowledged + 1, `${s}: ${timeline.length} stored, ${acknowledged} acknowledged`)
      assert.deepEqual(timeline.map((x) => x.seq), timeline.map((_, k) => k + 1))
      assert.deepEqual(timeline.map((x) => (x.kind === 'message' ? Number(x.message.content) : x.toolCall.arguments['k'])), timeline.map((_, k) => k))
    }
  })

  it('survives pg_terminate_backend of its connections', async () => {
    const applicationName = appName()
    await using db = open(ADMIN_URL, { applicationName, poolSize: 4 })
    const s = `terminated-${suffix}`
    await Promise.all(Array.from({ length: 4 }, (_, i) => db.aonUserMessage(`${s}-${i}`, 'warm')))
    const expected: string[] = []
    for (let round = 0; round < 3; round++) {
      const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [applicationName])
      assert.ok(rows.length > 0 && rows.every((r) => r.ok), 'the pool had connections to terminate')
      await db.aonUserMessage(s, `after kill ${round}`)
      expected.push(`after kill ${round}`)
    }
    // and while writes are in flight
    const writes = Array.from({ length: 50 }, (_, i) => db.aonUserMessage(s, `${i}`))
    const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [applicationName])
    assert.ok(rows.some((r) => r.ok), 'a connection was terminated while writes were in flight')
    await Promise.all(writes)
    expected.push(...Array.from({ length: 50 }, (_, i) => `${i}`))
    const messages = await db.getMessages(s)
    assert.deepEqual(messages.map((m) => m.content), expected)
  })

  it('closes every connection of its pool on aclose()', async () => {
    const applicationName = appName()
    const db = open(ADMIN_URL, { applicationName, poolSize: 5 })
    assert.equal(await connectionsOf(applicationName), 0)
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.getMessages(`pool-${suffix}-${i}`)))
    await db.aonUserMessage(`pool-${suffix}`, 'hello')
    assert.ok(await connectionsOf(applicationName) > 0, 'the pool is connected')
    await db.aclose()
    assert.equal(await waitForConnections(applicationName, 0), 0, 'no connection is left after aclose()')
    await db.aonUserMessage(`pool-${suffix}`, 'again') // re-opens lazily
    assert.ok(await connectionsOf(applicationName) > 0)
    await db.aclose()
    await db.aclose()
    assert.equal(await waitForConnections(applicationName, 0), 0)
  })

  it('stores NUL with a reversible escape that leaves ordinary text readable in SQL', async () => {
    await using db = open(ADMIN_URL)
    const s = `escape-${suffix}`
    const texts = ['plain text', 'nul \u0000 here', 'escape \uffff char', '\uffff0 looks escaped', '\u0000\uffff\u0000']
    for (const text of texts) await db.aonUserMessage(s, text, { [text]: [text] })
    assert.deepEqual((await db.getMessages(s)).map((m) => [m.content, m.metadata]), texts.map((t) => [t, { [t]: [t] }]))
    const { rows } = await admin.query<{ content: string }>(`SELECT content FROM "${schema}".messages WHERE session_id = $1 ORDER BY seq`, [s])
    assert.equal(rows[0]?.content, 'plain text')
    assert.ok(rows.every((r) => !r.content.includes('\u0000')))
  })
})
