// Issue 12, item 1: an acknowledged write survives SIGKILL of the writing process. A child
// appends as fast as it can (8 concurrent sessions) and reports each acknowledged write; the
// test SIGKILLs it at a seeded random moment (on a fresh database, often while it opens and
// migrates), reopens, and checks every acknowledged message is there once and in order, the
// store is whole (SQLite integrity_check), and no migration lock outlives the killed process.
// Replay a failure with AGENTDB_SEED=<seed printed in the failure>; AGENTDB_LONG=1 runs 20 rounds.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB } from '../../src/index.js'
import { createTestDatabase, dropTestDatabase, queryRows, rootUrl } from '../mysql/server.js'
import { dropSchemas, withAdmin } from '../postgres/admin.js'
import { LONG, baseSeed, recordFigure, seededRandom } from '../support/figures.js'
import { PrivateServer, canRunPrivate } from '../support/private-servers.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const WRITER = fileURLToPath(new URL('../support/crash-writer.js', import.meta.url))
const ROUNDS = LONG ? 20 : 5
const SESSIONS = 8
const SEED = baseSeed()
const suffix = randomBytes(4).toString('hex')

/** How one backend is reached, inspected after a kill, and cleaned up. */
interface CrashTarget {
  readonly name: string
  setUp(): Promise<void>
  tearDown(): Promise<void>
  /** The URL of the namespace (file, schema, table prefix, key prefix) `ns`. */
  url(ns: string): string
  /** After the child is dead, before anything reopens the store: what the kill left (tables present). */
  inspectKilled(ns: string): Promise<{ tables: number }>
  /** After the reopen: the store is whole and no lock of the killed process is held. */
  checkWhole(ns: string): Promise<void>
  /** Runs right after the writer's kill (Redis: the server is SIGKILLed too and restarted from its AOF). */
  afterKill?(): Promise<void>
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'agentdb-sigkill-'))
after(() => rmSync(sqliteDir, { recursive: true, force: true }))

const sqliteTarget: CrashTarget = {
  name: 'sqlite',
  setUp: async () => undefined,
  tearDown: async () => undefined,
  url: (ns) => join(sqliteDir, `${ns}.db`),
  inspectKilled: async (ns) => {
    const db = new Database(join(sqliteDir, `${ns}.db`))
    try {
      return { tables: (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n }
    } finally {
      db.close()
    }
  },
  checkWhole: async (ns) => {
    const db = new Database(join(sqliteDir, `${ns}.db`), { timeout: 0 })
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'PRAGMA integrity_check')
      db.exec('BEGIN IMMEDIATE') // throws SQLITE_BUSY at once if a write lock were still held
      db.exec('ROLLBACK')
    } finally {
      db.close()
    }
  },
}

const pgSchema = (ns: string): string => `agentdb_kill_${suffix}_${ns}`
const pgSchemas = new Set<string>()
const postgresTarget: CrashTarget = {
  name: 'postgres',
  setUp: async () => undefined,
  tearDown: () => dropSchemas(...pgSchemas),
  url: (ns) => {
    pgSchemas.add(pgSchema(ns))
    return `postgresql://postgres@127.0.0.1:5432/test?schema=${pgSchema(ns)}`
  },
  inspectKilled: (ns) => withAdmin(async (c) => {
    const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1', [pgSchema(ns)])
    return { tables: Number(rows[0]?.n) }
  }),
  checkWhole: (ns) => withAdmin(async (c) => {
    // agentdb's migration lock: pg_advisory_xact_lock(0x61676462, hashtext(schema)); a killed
    // client's backend ends (and its transaction's locks go) once the server sees the hang-up.
    const held = async (): Promise<number> => Number((await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 1634165858 AND objid = hashtext($1)::oid", [pgSchema(ns)])).rows[0]?.n)
    let n = await held()
    for (let i = 0; i < 50 && n > 0; i++) { await sleep(100); n = await held() }
    assert.equal(n, 0, 'the migration advisory lock is released')
  }),
}

let mysqlDatabase = ''
const mysqlPrefix = (ns: string): string => `k${ns}_`
const mysqlTarget: CrashTarget = {
  name: 'mariadb',
  setUp: async () => { mysqlDatabase = await createTestDatabase() },
  tearDown: () => dropTestDatabase(mysqlDatabase),
  url: (ns) => `${rootUrl(mysqlDatabase)}?tablePrefix=${mysqlPrefix(ns)}`,
  inspectKilled: async (ns) => {
    const rows = await queryRows('SELECT count(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?', [mysqlDatabase, `${mysqlPrefix(ns)}%`])
    return { tables: Number(rows[0]?.['n']) }
  },
  checkWhole: async (ns) => {
    const lock = `agentdb_migrate:${mysqlDatabase}.${mysqlPrefix(ns)}`
    const held = async (): Promise<unknown> => (await queryRows('SELECT IS_USED_LOCK(?) AS owner', [lock]))[0]?.['owner']
    let owner = await held()
    for (let i = 0; i < 50 && owner !== null; i++) { await sleep(100); owner = await held() }
    assert.equal(owner, null, `GET_LOCK ${lock} is released`)
  },
}

let redis: PrivateServer | undefined
const redisTarget: CrashTarget = {
  name: 'redis (private, appendonly yes, appendfsync always)',
  setUp: async () => { redis = await PrivateServer.create('redis') },
  tearDown: async () => { await redis?.destroy() },
  url: (ns) => `${redis!.url}?keyPrefix=${encodeURIComponent(`kill:${ns}:`)}`,
  inspectKilled: async () => ({ tables: 0 }),
  checkWhole: async () => undefined,
  // The writer and the server die together: what Redis acknowledged must come back from the AOF.
  afterKill: async () => {
    await redis!.kill()
    await redis!.start()
  },
}

interface RoundResult {
  readonly acked: number
  readonly lost: number
  readonly duplicated: number
  readonly committedUnacked: number
  readonly killedBeforeAck: boolean
  readonly tablesAtKill: number
}

/**
 * Spawns the writer and SIGKILLs it `delayMs` after `from`: its first hook (which opens the
 * store) or its first acknowledged write. Resolves to each session's acknowledged count.
 */
async function killWriter(url: string, prefix: string, from: 'open' | 'ack', delayMs: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, [WRITER, url, prefix, String(SESSIONS), '60000'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acked = new Map<string, number>()
  let buffer = ''
  let stderr = ''
  const disorder: string[] = []
  let timer: NodeJS.Timeout | undefined
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const lines = buffer.split('\n')
    buffer = lines.pop()! // an incomplete last line is no report
    for (const line of lines) {
      const match = /^ack (\S+) (\d+)$/.exec(line)
      if (timer === undefined && (from === 'open' ? line === 'open' : match !== null)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
      if (match === null) continue
      const [, session, index] = match
      if (Number(index) !== (acked.get(session!) ?? 0)) disorder.push(line)
      acked.set(session!, Number(index) + 1)
    }
  })
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(timer)
  assert.equal(signal, 'SIGKILL', `the writer was killed (exit code ${code}): ${stderr.slice(-2000)}`)
  assert.deepEqual(disorder, [], 'each session\'s acks come in order')
  return acked
}

/** One round: kill, inspect, reopen, compare every session with what was acknowledged. */
async function runRound(target: CrashTarget, ns: string, prefix: string, fresh: boolean, delayMs: number, replay: string): Promise<RoundResult> {
  const url = target.url(ns)
  const acked = await killWriter(url, prefix, fresh ? 'open' : 'ack', delayMs)
  await target.afterKill?.()
  const { tables } = await target.inspectKilled(ns)
  let ackedTotal = 0
  let lost = 0
  let duplicated = 0
  let committedUnacked = 0
  {
    await using db = new PraisonAIDB(url)
    for (let s = 0; s < SESSIONS; s++) {
      const sessionId = `${prefix}-${s}`
      const n = acked.get(sessionId) ?? 0
      const stored = (await db.getMessages(sessionId)).map((m) => Number(m.content))
      ackedTotal += n
      lost += Array.from({ length: n }, (_, i) => i).filter((i) => !stored.includes(i)).length
      duplicated += stored.length - new Set(stored).size
      // each session awaited its previous write: what is stored is 0..k-1, where k is the acknowledged count, or one more (committed, killed before the report)
      assert.deepEqual(stored, Array.from({ length: stored.length }, (_, i) => i), `${sessionId}: stored once, in order (${replay})`)
      assert.ok(stored.length === n || stored.length === n + 1, `${sessionId}: ${n} acknowledged, ${stored.length} stored (${replay})`)
      if (stored.length === n + 1) committedUnacked++
    }
    await db.aonUserMessage(`${prefix}-after`, 'the reopened store takes writes')
    assert.equal((await db.getMessages(`${prefix}-after`)).length, 1)
  }
  await target.checkWhole(ns)
  return { acked: ackedTotal, lost, duplicated, committedUnacked, killedBeforeAck: ackedTotal === 0, tablesAtKill: tables }
}

async function runRounds(t: TestContext, target: CrashTarget, index: number): Promise<void> {
  // an established namespace for the rounds that kill a running writer
  {
    await using db = new PraisonAIDB(target.url('main'))
    await db.aonUserMessage('warm', 'migrated before the rounds')
  }
  const results: RoundResult[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const seed = SEED + index * 1000 + round
    const random = seededRandom(seed)
    // the first two rounds and about a third of the rest start on a fresh database and are
    // killed within 400 ms of the first hook: while it connects, creates tables, migrates (or
    // soon after); the others are killed within 500 ms of the first acknowledged write
    // round 2 always runs against a migrated database, so every seed has a round that acknowledges writes
    const fresh = round < 2 || (round > 2 && random() < 0.33)
    const delayMs = Math.floor(random() * (fresh ? 400 : 500))
    const ns = fresh ? `f${round}` : 'main'
    const replay = `replay: AGENTDB_SEED=${SEED} ${target.name} round ${round}, seed ${seed}, ${fresh ? 'fresh' : 'running'}, kill ${delayMs} ms after ${fresh ? 'the first hook' : 'the first ack'}`
    results.push(await runRound(target, ns, `r${round}`, fresh, delayMs, replay))
    t.diagnostic(replay)
  }
  const sum = (pick: (r: RoundResult) => number): number => results.reduce((total, r) => total + pick(r), 0)
  const figure = {
    rounds: ROUNDS, seed: SEED, acknowledged: sum((r) => r.acked), lost: sum((r) => r.lost), duplicated: sum((r) => r.duplicated),
    committedBeforeReport: sum((r) => r.committedUnacked), killedBeforeFirstAck: sum((r) => (r.killedBeforeAck ? 1 : 0)),
    killedWithTablesPartlyMade: results.filter((r) => r.killedBeforeAck && r.tablesAtKill > 0).length,
  }
  recordFigure((m) => t.diagnostic(m), `SIGKILL ${target.name}`, figure)
  assert.equal(figure.lost, 0)
  assert.equal(figure.duplicated, 0)
  assert.ok(figure.acknowledged > 0, 'some rounds ran long enough to acknowledge writes')
}

const targets: [CrashTarget, boolean][] = [
  [sqliteTarget, true],
  [postgresTarget, true],
  [mysqlTarget, true],
  [redisTarget, canRunPrivate('redis')],
]

targets.forEach(([target, runnable], index) => {
  describe(`SIGKILL of a writer: ${target.name}`, { skip: runnable ? false : 'redis-server is not installed' }, () => {
    before(() => target.setUp())
    after(() => target.tearDown())
    it(`loses no acknowledged write and duplicates none over ${ROUNDS} rounds (seed ${SEED})`, (t) => runRounds(t, target, index))
  })
})
