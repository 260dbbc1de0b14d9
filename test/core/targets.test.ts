import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { inspect } from 'node:util'
import { ConfigError, MySQLDB, PostgresDB, PraisonAIDB, RedisDB, SQLiteDB } from '../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-targets-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('convenience classes', () => {
  it('SQLiteDB takes a path, a URL or an options object', async () => {
    assert.equal(new SQLiteDB().target, `sqlite:${process.cwd()}/agent_data.db`)
    assert.equal(new SQLiteDB(join(dir, 'a.db')).target, `sqlite:${join(dir, 'a.db')}`)
    assert.equal(new SQLiteDB(`sqlite:///${join(dir, 'b.db')}`).target, `sqlite:${join(dir, 'b.db')}`)
    await using db = new SQLiteDB({ path: join(dir, 'c.db'), synchronous: 'normal' })
    await db.aonUserMessage('s', 'hello')
    assert.equal((await db.getMessages('s'))[0]?.content, 'hello')
    assert.ok(db instanceof PraisonAIDB)
    assert.match(String(db), /^SQLiteDB\(sqlite:/)
    assert.throws(() => new SQLiteDB('postgresql://h/db'), (e: unknown) => e instanceof ConfigError && e.code === 'SCHEME_UNSUPPORTED')
  })

  it('server classes build URLs from addresses and refuse other schemes, never showing the password', () => {
    const pg = new PostgresDB({ host: 'db.internal', port: 6543, database: 'agents', user: 'app', password: 'secret-pw/@:?' })
    const my = new MySQLDB({ host: '::1', password: 'secret-pw' })
    const redis = new RedisDB({ password: 'secret-pw', database: '2' })
    for (const db of [pg, my, redis]) {
      assert.doesNotMatch(`${String(db)} ${inspect(db, { depth: 10, showHidden: true })} ${db.target}`, /secret-pw/)
    }
    assert.match(pg.target, /db\.internal/)
    assert.throws(() => new MySQLDB('postgresql://h/db'), ConfigError)
    assert.throws(() => new RedisDB('mysql://h/db'), ConfigError)
    assert.throws(() => new PostgresDB('redis://h'), ConfigError)
  })
})

describe('split storage: { conversation, state }', () => {
  it('keeps the conversation in one store and agent state also in the other', async () => {
    const conversation = `sqlite:///${join(dir, 'conversation.db')}`
    const state = `sqlite:///${join(dir, 'state.db')}`
    {
      await using db = new PraisonAIDB({ conversation, state })
      await db.aonAgentStart('s', 'Agent', 'a1')
      await db.aonUserMessage('s', 'hi')
      await db.aonAgentEnd('s', 'Agent', 'a1')
      assert.equal((await db.getAgentStates('s'))[0]?.status, 'ended')
      db.onAgentStart('s2', 'Sync')
    }
    await using conversationOnly = new PraisonAIDB(conversation)
    await using stateOnly = new PraisonAIDB(state)
    assert.deepEqual((await conversationOnly.getMessages('s')).map((m) => m.content), ['hi'])
    assert.deepEqual(await stateOnly.getMessages('s'), [], 'messages are not copied to the state store')
    assert.deepEqual((await stateOnly.getAgentStates('s')).map((a) => a.status), ['ended'])
    assert.deepEqual((await stateOnly.getAgentStates('s2')).map((a) => a.name), ['Sync'])
  })

  it('rejects a split target missing a URL', () => {
    assert.throws(() => new PraisonAIDB({ conversation: 'memory:' } as { conversation: string; state: string }), (e: unknown) => e instanceof ConfigError && e.code === 'URL_INVALID')
    assert.throws(() => new PraisonAIDB({ conversation: 'memory:', state: 'memory:?bogus=1' }), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID')
  })
})
