import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { ConfigError, PraisonAIDB, StoreError } from '../../src/index.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const dir = mkdtempSync(join(tmpdir(), 'agentdb-sqlite-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = () => join(dir, `t${n++}.db`)

describe('SQLite store', () => {
  it('opens in WAL mode with a schema version and the (session_id, seq) indexes', async () => {
    const path = file()
    {
      await using db = new PraisonAIDB(`sqlite:///${path}`)
      await db.aonUserMessage('s', 'x')
    }
    const raw = new Database(path, { readonly: true })
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
      assert.deepEqual(raw.prepare('SELECT version FROM schema_version ORDER BY version').all(), [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }])
      const indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]
      assert.ok(indexes.some((i) => i.name === 'messages_session_seq'))
      assert.ok(indexes.some((i) => i.name === 'tool_calls_session_seq'))
      const row = raw.prepare('SELECT metadata, content FROM messages').get() as { metadata: string; content: string }
      assert.deepEqual(row, { metadata: '{}', content: 'x' })
    } finally {
      raw.close()
    }
  })

  it('migrates once: reopening keeps data and the schema version', async () => {
    const path = file()
    for (let i = 0; i < 3; i++) {
      await using db = new PraisonAIDB(path)
      await db.aonUserMessage('s', `${i}`)
    }
    const raw = new Database(path, { readonly: true })
    assert.deepEqual(raw.prepare('SELECT count(*) AS n FROM schema_version').get(), { n: 4 }, 'each migration recorded once')
    assert.deepEqual(raw.prepare('SELECT seq FROM messages ORDER BY seq').all(), [{ seq: 1 }, { seq: 2 }, { seq: 3 }])
    raw.close()
  })

  it('keeps apps apart with a table prefix', async () => {
    const path = file()
    await using a = new PraisonAIDB(`sqlite:///${path}?tablePrefix=app_a_`)
    await using b = new PraisonAIDB(path, { tablePrefix: 'app_b_' })
    await a.aonUserMessage('s', 'from a')
    await b.aonUserMessage('s', 'from b')
    assert.deepEqual((await a.getMessages('s')).map((m) => m.content), ['from a'])
    assert.deepEqual((await b.getMessages('s')).map((m) => m.content), ['from b'])
  })

  it('accepts synchronous=normal and off, and rejects anything else', async () => {
    for (const mode of ['normal', 'off', 'FULL']) {
      await using db = new PraisonAIDB(`sqlite:///${file()}?synchronous=${mode}`)
      await db.aonUserMessage('s', mode)
      assert.equal((await db.getMessages('s')).length, 1)
    }
    assert.throws(() => new PraisonAIDB(file(), { synchronous: 'extra' as 'full' }), ConfigError)
  })

  it('gives a ConfigError for a file it cannot open, naming the path', async () => {
    const db = new PraisonAIDB(join(dir, 'no', 'such', 'dir', 'x.db'))
    await assert.rejects(db.aonUserMessage('s', 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'URL_INVALID' && e.message.includes('x.db'))
    assert.throws(() => db.onUserMessage('s', 'x'), ConfigError)
  })

  it('fails a write the database refuses alone, with a StoreError, in a group commit', async () => {
    const path = file()
    await using db = new PraisonAIDB(path)
    await db.aonUserMessage('setup', 'x')
    const raw = new Database(path)
    raw.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
    raw.close()
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => db.aonUserMessage(`g${i % 4}`, i === 17 ? 'poison' : `${i}`)))
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, r.reason] as const] : []))
    assert.equal(rejected.length, 1)
    assert.equal(rejected[0]![0], 17)
    assert.ok(rejected[0]![1] instanceof StoreError && rejected[0]![1].code === 'STORE_FAILED')
    for (let g = 0; g < 4; g++) {
      const expected = Array.from({ length: 10 }, (_, k) => 4 * k + g).filter((i) => i !== 17).map(String)
      assert.deepEqual((await db.getMessages(`g${g}`)).map((m) => m.content), expected)
    }
  })
})
