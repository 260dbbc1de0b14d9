import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB } from '../../src/index.js'
import { driveSync } from '../../src/stores/sql/executor.js'
import { migratePlan } from '../../src/stores/sql/migrate.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { sqliteMigrations } from '../../src/stores/sqlite/migrations.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const dir = mkdtempSync(join(tmpdir(), 'agentdb-search-index-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = (): string => join(dir, `s${n++}.db`)

/** Reads the file on a connection of its own: how many messages wait for the index, and whether FTS5 finds its index sound. */
function inspect(path: string): { pending: number; indexed: number } {
  const raw = new Database(path)
  try {
    raw.pragma('busy_timeout = 5000')
    const pending = (raw.prepare('SELECT count(*) AS n FROM messages WHERE rowid > (SELECT indexed_to FROM messages_search_state)').get() as { n: number }).n
    // FTS5's own check of its index; with nothing pending also against the messages table (rank 1):
    // throws "database disk image is malformed" if an indexed row's words differ from its message
    raw.prepare("INSERT INTO messages_search (messages_search, rank) VALUES ('integrity-check', ?)").run(pending === 0 ? 1 : 0)
    const indexed = (raw.prepare("SELECT count(*) AS n FROM messages_search_docsize").get() as { n: number }).n
    return { pending, indexed }
  } finally {
    raw.close()
  }
}

const hits = async (db: PraisonAIDB, words: string): Promise<string[]> =>
  (await db.searchMessages({ query: words, limit: 50 })).items.map((h) => h.message.content)

describe('SQLite search index off the write path (migrations 4 and 6)', () => {
  it('a write leaves its message pending; an idle connection indexes it; the index stays sound', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await Promise.all(Array.from({ length: 300 }, (_, i) => db.aonUserMessage(`idle-${i % 7}`, `platypus number ${i}`)))
    const before = inspect(path)
    assert.ok(before.pending > 0, `writes are pending right after they commit (found ${before.pending})`)
    let after = before
    for (let i = 0; i < 200 && after.pending > 0; i++) {
      await sleep(25)
      after = inspect(path)
    }
    assert.deepEqual(after, { pending: 0, indexed: 300 }, 'the idle worker indexed every pending message')
  })

  it('a search indexes what is pending first, so it finds a message written just before', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('fresh', 'the wombat sleeps')
    assert.ok(inspect(path).pending >= 1, 'still pending when the search starts')
    assert.deepEqual(await hits(db, 'wombat'), ['the wombat sleeps'])
    assert.equal(inspect(path).pending, 0)
    db.onUserMessage('fresh', 'a second wombat')
    assert.deepEqual(db.searchMessagesSync({ query: 'wombat' }).items.map((h) => h.message.content).sort(), ['a second wombat', 'the wombat sleeps'])
  })

  it('deleting pending and indexed messages keeps the index sound, also when SQLite reuses a rowid', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('keep', 'echidna kept')
    await db.aonUserMessage('old', 'echidna indexed then deleted')
    assert.equal((await hits(db, 'echidna')).length, 2, 'both indexed by the search')
    // `old` holds the greatest rowid: after its delete, the next insert reuses that rowid
    assert.equal(await db.deleteSession('old'), true)
    await db.aonUserMessage('new', 'quokka reusing the rowid')
    await db.aonUserMessage('gone', 'quokka pending then deleted')
    assert.equal(await db.deleteSession('gone'), true, 'deleted while still pending')
    assert.deepEqual(inspect(path).pending, 1, 'only the reused rowid waits')
    assert.deepEqual(await hits(db, 'echidna'), ['echidna kept'])
    assert.deepEqual(await hits(db, 'quokka'), ['quokka reusing the rowid'])
    assert.deepEqual(inspect(path), { pending: 0, indexed: 2 })
  })

  it('two connections writing and searching one file index each message once', async () => {
    const path = file()
    await using a = new PraisonAIDB(`sqlite:///${path}`)
    await using b = new PraisonAIDB(`sqlite:///${path}`)
    const writes: Promise<void>[] = []
    for (let i = 0; i < 100; i++) writes.push((i % 2 === 0 ? a : b).aonUserMessage(`two-${i % 5}`, `numbat ${i}`))
    await Promise.all(writes)
    const [fromA, fromB] = await Promise.all([hits(a, 'numbat'), hits(b, 'numbat')])
    assert.equal(fromA.length, 50, 'a page of 50')
    assert.deepEqual(fromA, fromB)
    assert.equal((await a.searchMessages({ query: 'numbat', limit: 200 })).items.length, 100)
    assert.deepEqual(inspect(path), { pending: 0, indexed: 100 })
  })

  it('a version-5 file upgrades: what was pending is indexed, the mark starts above every message', async () => {
    const path = file()
    const raw = new Database(path)
    try {
      raw.pragma('journal_mode = WAL')
      const version5 = sqliteMigrations(sqliteDialect('')).slice(0, 5)
      const run = (step: { sql: string; params: readonly unknown[] }) => {
        const statement = raw.prepare(step.sql)
        return statement.reader ? { rows: statement.all(...step.params) as Record<string, unknown>[], changes: 0 } : { rows: [], changes: statement.run(...step.params).changes }
      }
      raw.transaction(() => driveSync(migratePlan(sqliteDialect(''), version5, '2026-01-01T00:00:00.000Z'), run))()
      raw.prepare("INSERT INTO sessions (id, metadata, created_at, updated_at, last_seq) VALUES ('v5', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 3)").run()
      const insert = raw.prepare("INSERT INTO messages (id, session_id, seq, role, content, metadata, created_at) VALUES (?, 'v5', ?, 'user', ?, '{}', '2026-01-01T00:00:00.000Z')")
      insert.run('m1', 1, 'bilby indexed before')
      // version 5 indexed on search: index the first message as it would have
      raw.exec(`INSERT INTO messages_search (rowid, content) SELECT rowid, content FROM messages;
        DELETE FROM messages_search_pending;`)
      insert.run('m2', 2, 'bilby still pending')
      insert.run('m3', 3, 'bilby pending too')
      assert.equal((raw.prepare('SELECT count(*) AS n FROM messages_search_pending').get() as { n: number }).n, 2)
    } finally {
      raw.close()
    }
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    assert.equal((await db.storeInfo()).schemaVersion, 6)
    assert.deepEqual(inspect(path), { pending: 0, indexed: 3 }, 'the upgrade indexed the pending messages')
    await db.aonUserMessage('v5', 'bilby after the upgrade')
    assert.deepEqual(inspect(path).pending, 1)
    assert.equal((await hits(db, 'bilby')).length, 4)
    assert.deepEqual((await db.getMessages('v5')).map((m) => m.seq), [1, 2, 3, 4])
  })
})
