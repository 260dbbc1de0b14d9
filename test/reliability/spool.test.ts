// Issue 12, item 3: the spool. A private server is stopped for seconds while sessions write
// through a PraisonAIDB with `spool`: every hook resolves, the spool holds the writes of the
// outage, and after the restart every write is in the store once, in order, the spool empty.
// Then a spool is replayed a second time (a crash between the store's commit and the spool's
// delete): the store skips what it holds. Then SIGKILLs: a child is killed while spooling and
// another while replaying; the test process opens the same spool and replays the rest.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type BetterSqlite3 from 'better-sqlite3'
import { ConfigError, PraisonAIDB, StoreUnavailableError, newId, type SpoolStatus } from '../../src/index.js'
import { baseSeed, recordFigure, seededRandom } from '../support/figures.js'
import { closedPort } from '../support/ports.js'
import { PrivateServer, canRunPrivate, type ServerKind } from '../support/private-servers.js'
import { WriterLoad, checkOutcomes } from '../support/writer-load.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const WRITER = fileURLToPath(new URL('../fixtures/spool-writer.js', import.meta.url))
const PASSWORD = 'Sp00lSecret-9f3b'
const DEADLINE_MS = 800

/** The server's URL with a password (the private servers ignore it: trust auth, skipped grants). */
function urlWithPassword(server: PrivateServer): string {
  return server.kind === 'redis' ? server.url : server.url.replace('://root@', `://root:${PASSWORD}@`).replace('://postgres@', `://postgres:${PASSWORD}@`)
}

function tempDir(t: TestContext | undefined = undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-spool-'))
  t?.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Polls `check` every 20 ms until it holds, at most `ms`. */
async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`)
    await sleep(20)
  }
}

/** The bytes of a spool (its database and WAL files), for a grep. */
function spoolBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)))
}

/** How many writes a spool file holds, read by a connection of the test's own. */
function spooledRows(path: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM spooled').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Copies a spool's files as they are now (this thread is its only writer, so no write is half done). */
function copySpool(from: string, to: string): void {
  copyFileSync(from, to)
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`)
}

describe('spool option: where it is accepted', () => {
  it('is refused with ConfigError SPOOL_INVALID on SQLite, memory and user stores, and for an empty path', () => {
    const dir = tempDir()
    try {
      const spool = join(dir, 'spool.db')
      for (const make of [
        () => new PraisonAIDB(`sqlite:///${join(dir, 'a.db')}`, { spool } as object),
        () => new PraisonAIDB('memory:', { spool } as object),
        () => new PraisonAIDB({ addMessage: () => undefined }, { spool } as object),
        () => new PraisonAIDB('postgresql://postgres@127.0.0.1:1/x', { spool: ' ' }),
      ]) {
        assert.throws(make, (error: unknown) => error instanceof ConfigError && error.code === 'SPOOL_INVALID')
      }
      assert.equal(existsSync(spool), false, 'no spool file was created')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('spoolStatus is null without a spool', async () => {
    await using db = new PraisonAIDB('memory:')
    assert.equal(await db.spoolStatus(), null)
    assert.equal(db.spoolStatusSync(), null)
  })

  it('a spool file that cannot be created fails the write with ConfigError SPOOL_INVALID', async (t) => {
    const dir = tempDir(t)
    const port = await closedPort()
    await using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${port}/x`, { spool: join(dir, 'missing', 'spool.db'), retryDeadlineMs: 100 })
    await assert.rejects(db.aonUserMessage('s', 'hi'), (error: unknown) => error instanceof ConfigError && error.code === 'SPOOL_INVALID')
  })

  it('takes the writes of an unreachable store (never reached yet), and says so in spoolStatus', async (t) => {
    const dir = tempDir(t)
    const port = await closedPort()
    const spool = join(dir, 'spool.db')
    const db = new PraisonAIDB(`postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/x`, { spool, retryDeadlineMs: 200, connectTimeoutMs: 200 })
    await db.aonUserMessage('s', 'one')
    await db.aonAgentMessage('s', 'two')
    db.onUserMessage('s', 'three')
    const status = await db.spoolStatus()
    assert.equal(status?.pending, 3)
    assert.equal(status?.failed, 0)
    assert.equal(status?.path, spool)
    assert.match(status?.oldestAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    await assert.rejects(db.deleteSession('s'), (error: unknown) => (error as { code?: string }).code === 'SPOOL_PENDING')
    assert.throws(() => db.deleteSessionSync('s'), (error: unknown) => (error as { code?: string }).code === 'SPOOL_PENDING')
    // an edit or a compare-and-set needs its answer: never spooled, it fails while writes wait
    await assert.rejects(db.editHistory('s', { afterSeq: 0, append: [] }), (error: unknown) => error instanceof StoreUnavailableError && error.code === 'SPOOL_PENDING')
    await assert.rejects(db.setSessionKey('s', 'stream', 'x'), (error: unknown) => error instanceof StoreUnavailableError && error.code === 'SPOOL_PENDING')
    assert.throws(() => db.setSessionKeySync('s', 'stream', 'x'), (error: unknown) => error instanceof StoreUnavailableError && error.code === 'SPOOL_PENDING')
    assert.equal((await db.spoolStatus())?.pending, 3, 'nothing of them was spooled')
    await db.aclose() // the store stays down: aclose resolves, the writes stay spooled
    assert.equal(db.spoolStatusSync()?.pending, 3)
    assert.equal(spoolBytes(spool).includes(PASSWORD), false, 'the spool holds no password')
  })
})

interface Lifecycle {
  readonly sessionId: string
  readonly runId: string
  readonly traceId: string
  readonly spanId: string
}

/** Every kind of write but messages (which the load makes), for the outage: each must go through the spool. */
async function writeLifecycle(db: PraisonAIDB, l: Lifecycle): Promise<void> {
  await db.aonRunStart(l.sessionId, l.runId, 'question')
  await db.aonTraceStart({ sessionId: l.sessionId, traceId: l.traceId, name: 'turn', runId: l.runId })
  await db.aonSpanStart({ sessionId: l.sessionId, traceId: l.traceId, spanId: l.spanId, name: 'tool', kind: 'tool' })
  await db.aonToolCall({ sessionId: l.sessionId, toolName: 'lookup', arguments: { q: 1 }, result: { ok: true }, toolCallId: 'call_1' })
  await db.aonSpanEnd({ sessionId: l.sessionId, traceId: l.traceId, spanId: l.spanId, status: 'ok' })
  await db.aonAgentMessage(l.sessionId, 'answer')
  await db.aonTraceEnd({ sessionId: l.sessionId, traceId: l.traceId, status: 'ok' })
  await db.aonRunEnd(l.sessionId, l.runId, 'answer', 'completed')
  await db.aonAgentEnd(l.sessionId, 'agent', 'a1')
}

/** What the store holds of the lifecycle session, clocks aside. */
async function readLifecycle(db: PraisonAIDB, l: Lifecycle): Promise<unknown> {
  const timeline = (await db.getTimeline(l.sessionId)).map((item) => ({ kind: item.kind, seq: item.seq }))
  const states = (await db.getAgentStates(l.sessionId)).map((s) => ({ name: s.name, status: s.status }))
  const runs = (await db.getRuns(l.sessionId)).map((r) => ({ id: r.id, status: r.status, output: r.output }))
  const traces = (await db.getTraces({ sessionId: l.sessionId })).map((t) => ({ id: t.id, status: t.status, spans: t.spans.map((s) => ({ id: s.id, status: s.status })) }))
  return { timeline, states, runs, traces, ended: (await db.getSession(l.sessionId))?.endedAt !== null }
}

const outageKinds: readonly ServerKind[] = ['postgres', 'redis', 'mariadb']

for (const kind of outageKinds) {
  describe(`spool: a private ${kind} server stopped for seconds while 4 sessions write`, { skip: canRunPrivate(kind) ? false : `${kind} cannot be run privately here` }, () => {
    let server: PrivateServer
    before(async () => { server = await PrivateServer.create(kind) })
    after(() => server?.destroy())

    it('every hook resolves; the spool holds the outage; afterwards every write is stored once, in order; a second replay adds nothing', async (t) => {
      const dir = tempDir(t)
      const spool = join(dir, 'spool.db')
      const options = { spool, retryDeadlineMs: DEADLINE_MS, connectTimeoutMs: 500 }
      const db = new PraisonAIDB(urlWithPassword(server), options as object)
      const life: Lifecycle = { sessionId: `life-${Date.now()}`, runId: newId(), traceId: newId(), spanId: newId() }
      await db.aonAgentStart(life.sessionId, 'agent', 'a1')
      const load = new WriterLoad(db, `outage-${Date.now()}`, 4)
      await sleep(300)
      const downAt = Date.now()
      await server.kill()
      await until('a spooled write', 30_000, async () => ((await db.spoolStatus())?.pending ?? 0) > 0)
      await writeLifecycle(db, life)
      await sleep(1500)
      const during = (await db.spoolStatus())!
      assert.ok(during.pending > 0 && during.oldestAt !== null, 'spoolStatus shows the writes of the outage')
      assert.equal(spoolBytes(spool).includes(PASSWORD), false, 'the spool holds no password')
      copySpool(spool, join(dir, 'copy.db'))
      await server.start()
      const upAt = Date.now()
      await sleep(500)
      const outcomes = await load.stop()
      await db.flush()
      const afterFlush = (await db.spoolStatus())!
      const figures = await checkOutcomes(db, load, outcomes)
      const lifecycle = await readLifecycle(db, life)
      const counts = await Promise.all(load.sessionIds().map(async (id) => (await db.getMessages(id)).map((m) => `${m.seq}:${m.content}`)))
      await db.aclose()
      recordFigure((m) => t.diagnostic(m), `spool ${kind} outage`, { ...figures, downMs: upAt - downAt, spooledAtPeak: during.pending, pendingAfterFlush: afterFlush.pending, failedAfterFlush: afterFlush.failed, deadlineMs: DEADLINE_MS })
      // The spool first: an acknowledged write still spooled (or set aside) after flush() would be counted as lost below.
      assert.equal(afterFlush.pending, 0, 'the spool is empty after flush')
      assert.equal(afterFlush.failed, 0, 'the store refused no spooled write')
      assert.equal(figures.rejected, 0, 'no hook rejected')
      assert.equal(figures.lost, 0)
      assert.equal(figures.duplicated, 0)
      assert.deepEqual(lifecycle, {
        timeline: [{ kind: 'toolCall', seq: 1 }, { kind: 'message', seq: 2 }],
        states: [{ name: 'agent', status: 'ended' }],
        runs: [{ id: life.runId, status: 'completed', output: 'answer' }],
        traces: [{ id: life.traceId, status: 'ok', spans: [{ id: life.spanId, status: 'ok' }] }],
        ended: true,
      })

      // The copy holds what was spooled mid-outage, already in the store: as after a crash between
      // the store's commit and the spool's delete. Its claim (this process's, another instance) is dropped.
      const copy = new Database(join(dir, 'copy.db'))
      const copied = (copy.prepare('SELECT count(*) AS n FROM spooled').get() as { n: number }).n
      copy.exec('DELETE FROM claims')
      copy.close()
      assert.ok(copied > 0)
      const again = new PraisonAIDB(urlWithPassword(server), { ...options, spool: join(dir, 'copy.db') } as object)
      try {
        await again.flush()
        assert.equal((await again.spoolStatus())?.pending, 0, 'the copy was replayed')
        assert.deepEqual(await readLifecycle(again, life), lifecycle, 'replaying again changed nothing')
        const countsAgain = await Promise.all(load.sessionIds().map(async (id) => (await again.getMessages(id)).map((m) => `${m.seq}:${m.content}`)))
        assert.deepEqual(countsAgain, counts, 'no message stored twice, none with a second seq')
      } finally {
        await again.aclose()
      }
    })
  })
}

interface Child {
  readonly process: ChildProcess
  readonly acks: Map<string, string[]>
  readonly pending: number[]
  readonly exited: Promise<void>
  readonly idle: () => boolean
}

function startWriter(config: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [WRITER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acks = new Map<string, string[]>()
  const pending: number[] = []
  let idle = false
  let rest = ''
  let errors = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      const [word, a, b] = line.split(' ')
      if (word === 'ack') acks.set(a!, [...(acks.get(a!) ?? []), b!])
      else if (word === 'pending') pending.push(Number(a))
      else if (word === 'idle') idle = true
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => { errors += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  void exited.then(() => { if (child.signalCode !== 'SIGKILL' && child.exitCode !== 0) console.error(errors) })
  return { process: child, acks, pending, exited, idle: () => idle }
}

/**
 * What a session must hold: A's acknowledged writes in order (plus the one being acknowledged
 * when A died, if its append had committed), then B's likewise.
 */
function checkSession(stored: readonly string[], a: readonly string[], b: readonly string[]): { lost: number; duplicated: number } {
  const duplicated = stored.length - new Set(stored).size
  const fromA = stored.filter((c) => c.startsWith('A:'))
  const fromB = stored.filter((c) => c.startsWith('B:'))
  assert.deepEqual(stored, [...fromA, ...fromB], 'nothing of B overtakes what A spooled before')
  const expected = (tag: string, acked: readonly string[], got: readonly string[]): void => {
    const k = acked.length
    const want = Array.from({ length: k }, (_, i) => `${tag}:${i}`)
    assert.deepEqual(acked, want, `${tag}'s acknowledgements are in order`)
    assert.ok(got.length === k || got.length === k + 1, `${tag}: ${got.length} stored for ${k} acknowledged`)
    assert.deepEqual(got.slice(0, k), want, `${tag}'s writes are stored in order`)
  }
  expected('A', a, fromA)
  expected('B', b, fromB)
  return { lost: 0, duplicated }
}

describe('spool: SIGKILL while spooling, and while replaying', { skip: canRunPrivate('postgres') ? false : 'postgres cannot be run privately here' }, () => {
  let server: PrivateServer
  before(async () => { server = await PrivateServer.create('postgres') })
  after(() => server?.destroy())

  it('a new process opening the same spool replays the rest: nothing lost, nothing duplicated, per-session order kept', async (t) => {
    const seed = baseSeed()
    const random = seededRandom(seed)
    t.diagnostic(`seed ${seed} (AGENTDB_SEED=${seed} replays it)`)
    const dir = tempDir(t)
    const spool = join(dir, 'spool.db')
    const url = urlWithPassword(server)
    const base = { url, spool, sessions: 4, maxMs: 60_000, retryDeadlineMs: 500 }

    await server.kill()
    const a = startWriter({ ...base, tag: 'A', statusMs: 1000, maxBatchSize: 1000 })
    const killAt = 150 + Math.floor(random() * 300)
    await until(`${killAt} acknowledgements of A`, 60_000, () => [...a.acks.values()].reduce((n, l) => n + l.length, 0) >= killAt)
    a.process.kill('SIGKILL')
    await a.exited
    const spooledByA = [...a.acks.values()].reduce((n, l) => n + l.length, 0)
    const leftByA = spooledRows(spool)
    assert.ok(leftByA >= spooledByA && leftByA <= spooledByA + base.sessions, `A's ${spooledByA} acknowledged writes (and at most one unacknowledged per session) are spooled, found ${leftByA}`)

    await server.start()
    // B replays A's writes in batches of 5 and writes its own behind them; killed mid-replay.
    const b = startWriter({ ...base, tag: 'B', statusMs: 10, maxBatchSize: 5 })
    await until('B replaying', 60_000, () => b.pending.length > 0 && Math.min(...b.pending) < b.pending[0]! - 20)
    b.process.kill('SIGKILL')
    await b.exited
    const pendingAtKill = spooledRows(spool)
    assert.ok(pendingAtKill > 0, 'B died with writes still to replay')

    const db = new PraisonAIDB(url, { spool, retryDeadlineMs: 10_000 })
    try {
      let status: SpoolStatus | null = null
      for (let i = 0; i < 5 && status?.pending !== 0; i++) {
        await db.flush()
        status = await db.spoolStatus()
      }
      assert.equal(status?.pending, 0, 'the spool is empty')
      let duplicated = 0
      for (let s = 0; s < base.sessions; s++) {
        const id = `s${s}`
        const stored = (await db.getMessages(id)).map((m) => m.content)
        duplicated += checkSession(stored, a.acks.get(id) ?? [], b.acks.get(id) ?? []).duplicated
      }
      recordFigure((m) => t.diagnostic(m), 'spool postgres SIGKILL', {
        seed, acknowledgedByA: spooledByA, acknowledgedByB: [...b.acks.values()].reduce((n, l) => n + l.length, 0), pendingWhenBWasKilled: pendingAtKill, lost: 0, duplicated,
      })
      assert.equal(duplicated, 0)
    } finally {
      await db.aclose()
    }
  })
})

describe('spool: one replayer at a time', { skip: canRunPrivate('postgres') ? false : 'postgres cannot be run privately here' }, () => {
  let server: PrivateServer
  before(async () => { server = await PrivateServer.create('postgres') })
  after(() => server?.destroy())

  it('a live holder keeps the spool from a second process; once it is SIGKILLed its claim is taken over', async (t) => {
    const dir = tempDir(t)
    const spool = join(dir, 'spool.db')
    const url = urlWithPassword(server)
    await server.kill()
    const a = startWriter({ url, spool, tag: 'A', sessions: 2, maxMs: 1500, statusMs: 1000, retryDeadlineMs: 300, maxBatchSize: 100, holdMs: 120_000 })
    t.after(() => { if (a.process.exitCode === null && a.process.signalCode === null) a.process.kill('SIGKILL') })
    await until('A spooled and idle', 60_000, () => a.idle())
    a.process.kill('SIGSTOP') // alive, holding the claim, and no longer replaying
    await server.start()
    const acknowledged = [...a.acks.values()].reduce((n, l) => n + l.length, 0)
    assert.ok(acknowledged > 0)

    const db = new PraisonAIDB(url, { spool, retryDeadlineMs: 1500 })
    try {
      await db.flush()
      assert.equal((await db.spoolStatus())?.pending, acknowledged, 'nothing was replayed while A holds the claim')
      assert.deepEqual(await db.getMessages('s0'), [], 'the store has none of A\'s writes')
      a.process.kill('SIGKILL')
      await a.exited
      await db.flush()
      assert.equal((await db.spoolStatus())?.pending, 0, 'the dead holder\'s claim was taken over and the spool replayed')
      for (const [id, acks] of a.acks) assert.deepEqual((await db.getMessages(id)).map((m) => m.content), acks)
      recordFigure((m) => t.diagnostic(m), 'spool postgres claim', { acknowledged, replayedWhileHeld: 0, lost: 0, duplicated: 0 })
    } finally {
      await db.aclose()
    }
  })
})
