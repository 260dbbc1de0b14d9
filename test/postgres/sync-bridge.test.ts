import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { PraisonAIDB, StoreUnavailableError, ValidationError } from '../../src/index.js'
import { ThreadedTcpProxy } from '../support/threaded-proxy.js'
import { dropSchemas, PG_URL } from './admin.js'

const schema = `agentdb_sync_${randomBytes(5).toString('hex')}`
const url = `${PG_URL}?schema=${schema}`

after(() => dropSchemas(schema))

describe('the sync surface over PostgreSQL (worker + Atomics.wait bridge)', () => {
  it('returns synchronously, after the write is committed and visible to other connections', async () => {
    const other = new pg.Client({ connectionString: PG_URL })
    await other.connect()
    try {
      using db = new PraisonAIDB(url)
      assert.deepEqual(db.onAgentStart('bridge', 'SyncAgent'), [])
      const returned = db.onUserMessage('bridge', 'visible at once', { n: 1 })
      assert.equal(returned, undefined)
      const { rows } = await other.query(`SELECT content, seq::int AS seq FROM "${schema}".messages WHERE session_id = $1`, ['bridge'])
      assert.deepEqual(rows, [{ content: 'visible at once', seq: 1 }])
      db.onToolCall('bridge', 'calc', { a: 1 }, 2)
      assert.deepEqual(db.getTimelineSync('bridge').map((i) => i.seq), [1, 2])
      assert.deepEqual(db.onAgentStart('bridge', 'SyncAgent').map((m) => m.content), ['visible at once'])
      assert.throws(() => db.onUserMessage('', 'x'), ValidationError)
    } finally {
      await other.end()
    }
  })

  it('throws StoreUnavailableError when the server stays away past the deadline, and recovers', async () => {
    const proxy = await ThreadedTcpProxy.start(5432)
    try {
      using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, { retryDeadlineMs: 1500, connectTimeoutMs: 1000 })
      db.onUserMessage('outage', 'before')
      assert.ok(await proxy.cut() >= 1, 'the cut dropped the bridge\'s connection')
      assert.throws(() => db.onUserMessage('outage', 'during'), (e: unknown) => e instanceof StoreUnavailableError)
      assert.ok(await proxy.refused() >= 1, 'the bridge tried to reconnect while the server was away')
      await proxy.restore()
      db.onUserMessage('outage', 'after')
      assert.deepEqual(db.getMessagesSync('outage').map((m) => m.content), ['before', 'after'])
    } finally {
      await proxy.close()
    }
  })
})
