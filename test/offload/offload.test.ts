import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { threadId } from 'node:worker_threads'
import { ConfigError, PraisonAIDB, StoreError } from '../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-offload-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const FIXTURES = new URL('../fixtures/thread-stores.js', import.meta.url)
const lines = (path: string): string[][] => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(' '))

describe('worker offload and the sync bridge', () => {
  it('constructs and calls a module store inside a worker thread, for both surfaces', async () => {
    const log = join(dir, 'thread.log')
    await using db = PraisonAIDB.fromModule(FIXTURES, 'ThreadStore', log)
    await db.aonUserMessage('s', 'async-surface')
    db.onUserMessage('s', 'sync-surface')
    const rows = lines(log)
    assert.equal(rows.length, 2)
    for (const [tid] of rows) assert.notEqual(Number(tid), threadId, 'the store ran off the main thread')
    assert.equal(threadId, 0)
  })

  it('serves the sync surface from an async-only module store, blocking until it has written', async () => {
    const log = join(dir, 'async-only.log')
    using db = PraisonAIDB.fromModule(new URL(FIXTURES), 'AsyncOnlyStore', log)
    const returned = db.onUserMessage('s', 'first')
    assert.equal(returned, undefined)
    assert.deepEqual(lines(log).map((r) => r.slice(1)), [['async', '1', 'first']], 'written before onUserMessage returned')
    db.onAgentMessage('s', 'second')
    assert.deepEqual(lines(log).map((r) => r.slice(1).join(' ')), ['async 1 first', 'async 2 second'])
    assert.deepEqual(db.onAgentStart('s', 'A'), [], 'a store that cannot read resumes nothing')
  })

  it('carries typed errors back from the worker', async () => {
    await using db = PraisonAIDB.fromModule(FIXTURES, 'AsyncOnlyStore', join(dir, 'e.log'))
    await assert.rejects(db.aonUserMessage('s', 'boom'), (e: unknown) => e instanceof StoreError && e.code === 'STORE_FAILED' && e.cause instanceof Error && e.cause.message === 'this store is full')
    assert.throws(() => db.onUserMessage('s', 'boom'), (e: unknown) => e instanceof StoreError && e.code === 'STORE_FAILED')
    await assert.rejects(db.getMessages('s'), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
    await using missing = PraisonAIDB.fromModule(FIXTURES, 'NoSuchExport')
    await assert.rejects(missing.aonUserMessage('s', 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'STORE_INVALID' && /NoSuchExport/.test(e.message))
  })

  it('writes the SQLite async surface from a worker, readable by the sync surface', async () => {
    const path = join(dir, 'offload.db')
    await using db = new PraisonAIDB(path)
    await Promise.all(Array.from({ length: 300 }, (_, i) => db.aonUserMessage(`s${i % 3}`, `${i}`)))
    assert.equal(db.getMessagesSync('s0').length, 100)
    assert.deepEqual(db.getMessagesSync('s1').slice(0, 3).map((m) => m.content), ['1', '4', '7'])
    await using inline = new PraisonAIDB(path, { offload: false })
    assert.equal((await inline.getMessages('s2')).length, 100)
  })
})

/** Writes the same records of issue 10 (runs, traces, spans, tool call ids, an assistant turn's tool calls) through `db`. */
async function writeRecords(db: PraisonAIDB, s: string): Promise<void> {
  const nasty = 'nul \u0000 emoji 🧠 quote \' "'
  await db.aonRunStart(s, `run ${s} ${nasty}`, nasty, { nested: { list: [1, null, nasty] } })
  await db.aonTraceStart({ sessionId: s, traceId: `trace-${s}`, name: nasty, runId: `run ${s} ${nasty}`, userId: `user ${nasty}`, metadata: { n: -1.5e-7 } })
  await db.aonSpanStart({ sessionId: s, traceId: `trace-${s}`, spanId: 'root', name: 'agent', kind: 'agent', attributes: { a: nasty } })
  // spans that start in the same millisecond order by id: let the clock move on
  await new Promise((resolve) => setTimeout(resolve, 3))
  await db.aonSpanStart({ sessionId: s, traceId: `trace-${s}`, spanId: 'llm', name: 'chat', kind: 'llm', parentSpanId: 'root' })
  await db.aonAgentMessage({ sessionId: s, content: '', runId: `run ${s} ${nasty}`, toolCalls: [{ id: `call ${nasty}`, name: 'search', arguments: `{"q": "${nasty}"}` }] })
  await db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: nasty }, result: [nasty], durationMs: 0, toolCallId: `call ${nasty}`, runId: `run ${s} ${nasty}` })
  await db.aonSpanEnd({ sessionId: s, traceId: `trace-${s}`, spanId: 'llm', status: 'error', error: nasty, attributes: { tokens: 3 } })
  await db.aonSpanEnd({ sessionId: s, traceId: `trace-${s}`, spanId: 'root', status: 'ok' })
  await db.aonTraceEnd({ sessionId: s, traceId: `trace-${s}`, status: 'ok', metadata: { done: true } })
  await db.aonRunEnd(s, `run ${s} ${nasty}`, nasty, 'completed', { tokens: { in: 1, out: 2 } })
}

/** What a session holds, without the ids, times and session ids that differ between two sessions. */
async function recordsOf(db: PraisonAIDB, s: string): Promise<unknown> {
  const strip = <T extends object>(record: T): Partial<T> =>
    Object.fromEntries(Object.entries(record).filter(([k]) => !['sessionId', 'traceId', 'runId', 'createdAt', 'startedAt', 'endedAt'].includes(k) && !(k === 'id' && !('kind' in record)))) as Partial<T>
  const traces = await db.getTraces({ sessionId: s })
  return {
    messages: (await db.getMessages(s)).map(strip),
    toolCalls: (await db.getToolCalls(s)).map(strip),
    runs: (await db.getRuns(s)).map(strip),
    traces: traces.map((t) => ({ ...strip(t), spans: t.spans.map(strip) })),
  }
}

describe('issue 10 records across threads', () => {
  it('carries runs, traces, spans and tool call ids through the SQLite worker exactly as the inline store takes them', async () => {
    const path = join(dir, 'records.db')
    await using worker = new PraisonAIDB(path)
    await using inline = new PraisonAIDB(path, { offload: false })
    await writeRecords(worker, 'via-worker')
    await writeRecords(inline, 'inline')
    const expected = await recordsOf(inline, 'inline')
    assert.deepEqual(await recordsOf(inline, 'via-worker'), expected)
    assert.deepEqual(await recordsOf(worker, 'via-worker'), expected)
    const [trace] = await worker.getTraces({ sessionId: 'via-worker' })
    assert.deepEqual(trace?.spans.map((span) => [span.id, span.status, span.error === null]), [['root', 'ok', true], ['llm', 'error', false]])
    assert.deepEqual(worker.getRunsSync('via-worker').map((r) => r.metrics), [{ tokens: { in: 1, out: 2 } }])
  })
})

describe('buffered durability', () => {
  it('resolves hooks before commit and flushes everything on aclose()', async () => {
    const path = join(dir, 'buffered.db')
    const db = new PraisonAIDB(path, { durability: 'buffered' })
    for (let i = 0; i < 500; i++) await db.aonUserMessage('b', `${i}`)
    await db.aclose()
    await using reader = new PraisonAIDB(path)
    assert.deepEqual((await reader.getMessages('b')).map((m) => Number(m.content)), Array.from({ length: 500 }, (_, i) => i))
  })

  it('reports a failed buffered write from flush()', async () => {
    const path = join(dir, 'buffered-fail.db')
    await using db = new PraisonAIDB(path, { durability: 'buffered' })
    await db.aonUserMessage('b', 'ok')
    await db.flush()
    const { default: Database } = await import('better-sqlite3')
    const raw = new Database(path)
    raw.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
    raw.close()
    await db.aonUserMessage('b', 'poison')
    await assert.rejects(db.flush(), (e: unknown) => e instanceof StoreError)
    await db.flush()
  })

  it('flushes on SIGTERM before the process ends', () => {
    const path = join(dir, 'sigterm.db')
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('../fixtures/buffered-child.js', import.meta.url)), path, '2000'], { encoding: 'utf8' })
    assert.equal(child.signal, 'SIGTERM', `the child ended by its signal (status ${child.status}, ${child.stderr})`)
    using db = new PraisonAIDB(path)
    const got = db.getMessagesSync('buffered')
    assert.equal(got.length, 2000)
    assert.deepEqual(got.map((m) => Number(m.content)), Array.from({ length: 2000 }, (_, i) => i))
  })
})
