// Issue 9: a SQLite connection remembers the sessions its write batches left (last seq,
// owner), so a batch reads only sessions it has not seen. These tests hold what it must never
// get wrong: anything else that changes the file — another connection, a delete, a prune, an
// import on the same connection, a transaction that rolls back — makes it read again.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB, StoreError } from '../../src/index.js'
import { userMessageOp } from '../../src/core/facade/hooks.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { SqliteConnection } from '../../src/stores/sqlite/driver.js'
import { SessionCache, sqliteWritePlan } from '../../src/stores/sqlite/write.js'
import type { SqlPlan } from '../../src/stores/sql/plans.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const dir = mkdtempSync(join(tmpdir(), 'agentdb-session-cache-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = (): string => join(dir, `c${n++}.db`)
const seqs = async (db: PraisonAIDB, id: string): Promise<[number, string][]> => (await db.getMessages(id)).map((m) => [m.seq, m.content])

describe('SQLite session cache', () => {
  it('a session deleted on the same connection is created again, from seq 1', async () => {
    await using db = new PraisonAIDB(`sqlite:///${file()}`)
    await db.aonUserMessage('s', 'a1')
    await db.aonUserMessage('s', 'a2')
    assert.equal(await db.deleteSession('s'), true)
    await db.aonUserMessage('s', 'b1')
    assert.deepEqual(await seqs(db, 's'), [[1, 'b1']])
    assert.notEqual(await db.getSession('s'), null, 'the session row exists again')
  })

  it('a pruned session is created again, from seq 1', async () => {
    await using db = new PraisonAIDB(`sqlite:///${file()}`)
    await db.aonUserMessage('p', 'a1')
    await db.aonAgentEnd('p', 'agent')
    const pruned = await db.pruneSessions({ inactiveSince: new Date(Date.now() + 60_000) })
    assert.deepEqual(pruned.sessions.map((s) => s.id), ['p'])
    await db.aonUserMessage('p', 'b1')
    assert.deepEqual(await seqs(db, 'p'), [[1, 'b1']])
    assert.notEqual(await db.getSession('p'), null)
  })

  it('an import on the same connection sets the seqs the next write continues from', async () => {
    await using source = new PraisonAIDB(`sqlite:///${file()}`)
    for (const content of ['x1', 'x2', 'x3', 'x4']) await source.aonUserMessage('i', content)
    const records = []
    for await (const record of source.exportSessions()) records.push(record)
    await using db = new PraisonAIDB(`sqlite:///${file()}`)
    await db.aonUserMessage('i', 'mine') // cached here at seq 1
    assert.equal(await db.deleteSession('i'), true)
    await db.importRecords(records)
    await db.aonUserMessage('i', 'after')
    assert.deepEqual(await seqs(db, 'i'), [[1, 'x1'], [2, 'x2'], [3, 'x3'], [4, 'x4'], [5, 'after']])
  })

  it('writes of another connection (the sync surface, another process) between batches are seen', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    const other = new Database(path)
    try {
      for (let i = 0; i < 5; i++) {
        await db.aonUserMessage('o', `async ${i}`) // the worker's connection
        db.onUserMessage('o', `sync ${i}`) // the calling thread's connection
        // and a raw writer, as another process would write
        other.prepare("INSERT INTO messages (id, session_id, seq, role, content, metadata, created_at) VALUES (?, 'o', ?, 'user', ?, '{}', '2026-01-01T00:00:00.000Z')")
          .run(`raw-${i}`, 3 * i + 3, `raw ${i}`)
        other.prepare("UPDATE sessions SET last_seq = ? WHERE id = 'o'").run(3 * i + 3)
      }
    } finally {
      other.close()
    }
    await db.aonUserMessage('o', 'last')
    const got = await seqs(db, 'o')
    assert.deepEqual(got.map(([seq]) => seq), Array.from({ length: 16 }, (_, i) => i + 1), 'seqs 1..16 with no gap or duplicate')
    assert.deepEqual(got.slice(0, 3).map(([, c]) => c), ['async 0', 'sync 0', 'raw 0'])
    assert.equal(got.at(-1)![1], 'last')
  })

  it('a batch whose transaction rolls back after its statements leaves nothing remembered', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}?offload=false`)
    await db.aonUserMessage('warm', 'w')
    const run = SqliteConnection.prototype.run
    let failed = 0
    // Every statement of the next write runs, then its transaction rolls back (as a failing COMMIT would).
    SqliteConnection.prototype.run = function <T>(this: SqliteConnection, plan: SqlPlan<T>, transactional: boolean): T {
      if (!transactional || failed > 0) return run.call(this, plan, transactional) as T
      failed++
      return run.call(this, (function* () {
        yield* plan
        throw new StoreError('STORE_FAILED', 'injected: the commit failed')
      })(), transactional) as T
    }
    try {
      await assert.rejects(db.aonUserMessage('new', 'lost', { user_id: 'u-1' }), /injected/)
    } finally {
      SqliteConnection.prototype.run = run
    }
    assert.equal(failed, 1, 'the fault was injected')
    assert.equal(await db.getSession('new'), null, 'the rolled-back write left no session')
    await db.aonUserMessage('new', 'kept')
    assert.deepEqual(await seqs(db, 'new'), [[1, 'kept']])
    assert.equal((await db.getSession('new'))?.userId, null, 'the owner of the rolled-back write was not remembered')
  })

  it('a session key that creates a session leaves its owner to be read: another user is still refused', async () => {
    await using db = new PraisonAIDB(`sqlite:///${file()}`)
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    await alice.setSessionKey('k', 'stream', 'x1')
    await alice.aonUserMessage('k', 'mine')
    await assert.rejects(bob.aonUserMessage('k', 'not yours'), (error: unknown) => error instanceof StoreError && error.code === 'SESSION_FORBIDDEN')
    assert.deepEqual(await seqs(db, 'k'), [[1, 'mine']])
  })

  it('stores each known session\'s last seq and time, whether its batch updates it alone or with others', async () => {
    // 1-7 known sessions are updated one statement each, 8 or more through FROM (VALUES …) in
    // chunks: 11 = one chunk of 8 and 3 alone. Each batch is given whole to the store's own
    // plan, so its size is the test's; the stored rows (not the connection's memory) are what
    // a new connection continues from.
    const path = file()
    const d = sqliteDialect('')
    const ids = Array.from({ length: 11 }, (_, i) => `k${i}`)
    const connection = new SqliteConnection({ path, synchronous: 'normal', busyTimeoutMs: 5000, dialect: d })
    const times = new Map<string, string>()
    try {
      const cache = new SessionCache()
      for (const size of [11, 1, 3, 11]) { // the first batch creates them
        await new Promise((resolve) => setTimeout(resolve, 3)) // each batch at a time of its own
        const ops = ids.slice(0, size).map((id) => userMessageOp({ sessionId: id, content: `in ${size}` }))
        connection.run(sqliteWritePlan(d, ops, cache), true)
        for (const op of ops) times.set(op.session.id, op.session.at)
      }
    } finally {
      connection.close()
    }
    const raw = new Database(path, { readonly: true })
    try {
      const rows = raw.prepare('SELECT id, last_seq, updated_at FROM sessions ORDER BY id').all() as { id: string; last_seq: number; updated_at: string }[]
      const wrote = (id: string): number => [11, 1, 3, 11].filter((size) => ids.indexOf(id) < size).length
      assert.deepEqual(rows.map((r) => [r.id, r.last_seq]), rows.map((r) => [r.id, wrote(r.id)]), 'last_seq is each session\'s number of messages')
      assert.deepEqual(rows.map((r) => [r.id, r.updated_at]), rows.map((r) => [r.id, times.get(r.id)]), 'updated_at is the time of each session\'s last batch')
    } finally {
      raw.close()
    }
    await using again = new PraisonAIDB(`sqlite:///${path}`)
    await Promise.all(ids.map((id) => again.aonUserMessage(id, 'next')))
    assert.deepEqual((await seqs(again, 'k0')).map(([seq]) => seq), [1, 2, 3, 4, 5])
    assert.deepEqual((await seqs(again, 'k10')).map(([seq]) => seq), [1, 2, 3])
  })
})
