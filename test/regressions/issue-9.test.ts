// Issue 9: SQLite reads each session's seq once per batch under its write lock (no upsert per
// write), binds JSON fields as the text that crossed to the worker (issue 8), and serves small
// reads on the calling thread. These tests hold the guarantees, not the timings.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB } from '../../src/index.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const dir = mkdtempSync(join(tmpdir(), 'agentdb-issue9-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = (): string => join(dir, `t${n++}.db`)

describe('issue 9: SQLite seq read under the write lock', () => {
  it('continues after the seqs another connection committed while this write waited for the lock', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('s', 'a1')
    await db.aonUserMessage('s', 'a2')
    const other = new Database(path)
    try {
      // Another writer takes the lock first and writes seqs 3 and 4 the way agentdb does.
      other.exec('BEGIN IMMEDIATE')
      const pending = db.aonUserMessage('s', 'a3')
      await sleep(100) // the worker has begun its transaction and waits on the lock
      const insert = other.prepare("INSERT INTO messages (id, session_id, seq, role, content, metadata, created_at) VALUES (?, 's', ?, 'user', ?, '{}', '2026-01-01T00:00:00.000Z')")
      insert.run('other-1', 3, 'b1')
      insert.run('other-2', 4, 'b2')
      other.prepare("UPDATE sessions SET last_seq = 4 WHERE id = 's'").run()
      other.exec('COMMIT')
      await pending
    } finally {
      other.close()
    }
    const got = await db.getMessages('s')
    assert.deepEqual(got.map((m) => [m.seq, m.content]), [[1, 'a1'], [2, 'a2'], [3, 'b1'], [4, 'b2'], [5, 'a3']])
  })

  it('gives one batch of many sessions consecutive seqs, creates new sessions, and fills null owners only', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('old', 'first')
    const before = await db.getSession('old')
    assert.equal(before?.userId, null)
    await sleep(5) // a later write time
    // one group commit: existing and new sessions, several writes each, interleaved
    await Promise.all([
      db.aonUserMessage('old', 'o1', { user_id: 'u-1' }),
      db.aonUserMessage('new', 'n1'),
      db.aonToolCall('old', 'search', { q: 'x' }, { hits: 1 }),
      db.aonUserMessage('new', 'n2', { user_id: 'u-2' }),
      db.aonUserMessage('old', 'o2', { user_id: 'u-3' }),
    ])
    const timeline = await db.getTimeline('old')
    assert.deepEqual(timeline.map((item) => item.seq), [1, 2, 3, 4])
    assert.deepEqual((await db.getMessages('new')).map((m) => [m.seq, m.content]), [[1, 'n1'], [2, 'n2']])
    const old = await db.getSession('old')
    assert.equal(old?.userId, 'u-1', 'the first owner fills the null; a later one does not replace it')
    assert.ok(old!.updatedAt > before!.updatedAt, 'updatedAt moves with every write')
    assert.equal((await db.getSession('new'))?.userId, 'u-2')
    await db.aonUserMessage('old', 'o3', { user_id: 'u-4' })
    assert.equal((await db.getSession('old'))?.userId, 'u-1')
    assert.equal((await db.getMessages('old', { limit: 1 }))[0]?.seq, 5)
  })

  it('keeps exactly once when a batch is retried: a known id keeps its row', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('s', 'one')
    const raw = new Database(path)
    try {
      const row = raw.prepare("SELECT id FROM messages WHERE session_id = 's'").get() as { id: string }
      raw.prepare("INSERT INTO messages (id, session_id, seq, role, content, metadata, created_at) VALUES (?, 's', 9, 'user', 'dup', '{}', '2026-01-01T00:00:00.000Z') ON CONFLICT (id) DO NOTHING").run(row.id)
    } finally {
      raw.close()
    }
    const got = await db.getMessages('s')
    assert.deepEqual(got.map((m) => m.content), ['one'])
  })
})

describe('issue 8: JSON fields cross to the worker as text and are bound once', () => {
  it('stores the JSON text of metadata, arguments and result as serialized once, and reads them back equal', async () => {
    const path = file()
    const metadata = { user_id: 'u', quote: 'say "hi"\n', nested: { list: [1, 2.5, null, true, 'é🧠'], empty: {} }, toJSON: 'a key, not a method' }
    const args = { q: 'a\\b', n: -0 }
    const result = ['r', { k: 1 }]
    {
      await using db = new PraisonAIDB(`sqlite:///${path}`)
      await db.aonUserMessage('s', 'hello', metadata)
      await db.aonToolCall('s', 'tool', args, result, { source: 'test' })
      const [message] = await db.getMessages('s', { limit: 5 })
      assert.deepEqual(message?.metadata, metadata)
      const [call] = await db.getToolCalls('s')
      assert.deepEqual(call?.arguments, { q: 'a\\b', n: 0 })
      assert.deepEqual(call?.result, result)
    }
    const raw = new Database(path, { readonly: true })
    try {
      const m = raw.prepare('SELECT metadata FROM messages').get() as { metadata: string }
      assert.equal(m.metadata, JSON.stringify(metadata), 'the column holds the object, not a JSON string of it')
      const t = raw.prepare('SELECT arguments, result, metadata FROM tool_calls').get() as Record<string, string>
      assert.deepEqual(t, { arguments: JSON.stringify(args), result: JSON.stringify(result), metadata: '{"source":"test"}' })
    } finally {
      raw.close()
    }
  })
})

describe('issue 9: SQLite writes a batch as multi-row statements, in batch order', () => {
  it('one batch of 70 messages, a tool call, an edit in the middle and a repeated id: order, seqs and ids as if written one by one', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await db.aonUserMessage('a', 'a0')
    const writes: Promise<unknown>[] = []
    // one group commit: nothing is awaited until every call is made
    for (let i = 1; i <= 30; i++) writes.push(db.aonUserMessage('a', `a${i}`), db.aonUserMessage('b', `b${i}`))
    writes.push(db.aonToolCall('a', 'search', { q: 'x' }, { hits: 1 }))
    // sees the 31 messages and the tool call of `a` written before it in the batch: keeps seqs 1..3
    writes.push(db.editHistory('a', { afterSeq: 3, append: [{ kind: 'message', role: 'assistant', content: 'edited' }] }))
    for (let i = 31; i <= 35; i++) writes.push(db.aonUserMessage('a', `a${i}`), db.aonUserMessage('b', `b${i}`))
    writes.push(db.aonUserMessage({ sessionId: 'b', content: 'twice', id: 'same-id' }), db.aonUserMessage({ sessionId: 'b', content: 'twice again', id: 'same-id' }))
    await Promise.all(writes)
    const a = await db.getMessages('a')
    assert.deepEqual(a.map((m) => m.content), ['a0', 'a1', 'a2', 'edited', 'a31', 'a32', 'a33', 'a34', 'a35'])
    const seqs = a.map((m) => m.seq)
    assert.deepEqual(seqs.slice(0, 3), [1, 2, 3])
    assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!), `increasing seqs ${seqs.join(',')}`)
    assert.deepEqual(await db.getToolCalls('a'), [], 'the edit removed the tool call written before it in the batch')
    const b = await db.getMessages('b')
    assert.deepEqual(b.map((m) => m.content), [...Array.from({ length: 35 }, (_, i) => `b${i + 1}`), 'twice'])
    assert.deepEqual(b.map((m) => m.seq), Array.from({ length: 36 }, (_, i) => i + 1))
  })
})

describe('issue 9: small SQLite reads on the calling thread', () => {
  it('see every write another process or connection committed, and each write whose hook resolved', async () => {
    const path = file()
    await using db = new PraisonAIDB(`sqlite:///${path}`)
    await using other = new PraisonAIDB(`sqlite:///${path}`, { offload: false })
    for (let i = 0; i < 5; i++) {
      await db.aonUserMessage('s', `mine ${i}`)
      assert.equal((await db.getMessages('s', { limit: 1 }))[0]?.content, `mine ${i}`)
      await other.aonUserMessage('s', `theirs ${i}`)
      assert.equal((await db.getMessages('s', { limit: 1 }))[0]?.content, `theirs ${i}`)
    }
    const all = await db.getMessages('s', { limit: 1000 }) // a large read: through the worker
    assert.deepEqual(all.map((m) => m.seq), Array.from({ length: 10 }, (_, i) => i + 1))
  })

  it('close the calling thread connection with the store: the file is free afterwards', async () => {
    const path = file()
    {
      await using db = new PraisonAIDB(`sqlite:///${path}`)
      await db.aonUserMessage('s', 'x')
      assert.equal((await db.getMessages('s', { limit: 1 })).length, 1)
    }
    // The last connection to close checkpoints the WAL and removes it: none is left open.
    assert.equal(existsSync(`${path}-wal`), false)
  })
})
