// Issue 12, item 8: load and soak. 200 sessions append at full speed to SQLite and PostgreSQL
// for a bounded time (8 s each by default, 60 s with AGENTDB_LONG=1); RSS, heap, active
// handles, threads and server connections are recorded before and after. After aclose()
// nothing is left: handles and threads back to the baseline, no server connection, no file
// handle, the heap (after GC) where it was, no unhandled rejection; every write is stored.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { PraisonAIDB } from '../../src/index.js'
import { dropSchemas, withAdmin } from '../postgres/admin.js'
import { LONG, recordFigure } from '../support/figures.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const SESSIONS = 200
const DURATION_MS = LONG ? 60_000 : 8000
/** Heap growth (after GC) allowed between before and after: what V8 keeps for compiled code and caches. */
const HEAP_SLACK_BYTES = 24 * 1024 * 1024

const unhandled: unknown[] = []
process.on('unhandledRejection', (reason) => { unhandled.push(reason) })

const suffix = randomBytes(4).toString('hex')
const dir = mkdtempSync(join(tmpdir(), 'agentdb-load-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Snapshot {
  readonly rssMb: number
  readonly heapMb: number
  readonly heapBytes: number
  readonly handles: readonly string[]
  readonly threads: number
  readonly connections: number
}

const threadCount = (): number => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1])
const mb = (bytes: number): number => Math.round(bytes / 1048576)

/** Descriptors this process holds open on files under `path` (the SQLite file, its WAL and SHM). */
function openFiles(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path)
    } catch {
      return false
    }
  }).length
}

async function snapshot(connections: () => Promise<number>): Promise<Snapshot> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const memory = process.memoryUsage()
  const handles = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout' && r !== 'Immediate').sort()
  return { rssMb: mb(memory.rss), heapMb: mb(memory.heapUsed), heapBytes: memory.heapUsed, handles, threads: threadCount(), connections: await connections() }
}

/** 200 sessions, each awaiting its previous write, until the time is up; resolves to each session's count. */
async function drive(db: PraisonAIDB, prefix: string): Promise<number[]> {
  const stopAt = Date.now() + DURATION_MS
  return Promise.all(Array.from({ length: SESSIONS }, async (_, s) => {
    let i = 0
    for (; Date.now() < stopAt; i++) await db.aonUserMessage(`${prefix}-${s}`, `message ${i} of session ${s}`, { i })
    return i
  }))
}

async function soak(t: TestContext, name: string, url: string, connections: () => Promise<number>): Promise<void> {
  { // warm up: load the driver and the worker code, so the baseline counts what stays loaded anyway
    await using db = new PraisonAIDB(url)
    await db.aonUserMessage('warm', 'x')
  }
  const before = await snapshot(connections)
  const db = new PraisonAIDB(url)
  const counts = await drive(db, `load-${suffix}`)
  const during = await snapshot(connections)
  for (let s = 0; s < SESSIONS; s += 20) assert.equal((await db.getMessages(`load-${suffix}-${s}`)).length, counts[s], `session ${s} has every write`)
  await db.aclose()
  const afterClose = await snapshot(connections)
  const writes = counts.reduce((a, b) => a + b, 0)
  recordFigure((m) => t.diagnostic(m), `load ${name}`, {
    sessions: SESSIONS, seconds: DURATION_MS / 1000, writes, writesPerSecond: Math.round(writes / (DURATION_MS / 1000)),
    rssMb: [before.rssMb, during.rssMb, afterClose.rssMb], heapMb: [before.heapMb, during.heapMb, afterClose.heapMb],
    handles: [before.handles.length, during.handles.length, afterClose.handles.length], threads: [before.threads, during.threads, afterClose.threads],
    connections: [before.connections, during.connections, afterClose.connections], unhandledRejections: unhandled.length,
  })
  assert.ok(during.connections > 0 || name === 'sqlite', 'the load held connections while it ran')
  assert.deepEqual(afterClose.handles, before.handles, 'active handles are back to the baseline')
  assert.ok(afterClose.threads <= before.threads, `threads back to the baseline (${before.threads} -> ${afterClose.threads})`)
  assert.equal(afterClose.connections, 0, 'no server connection (or file handle) is left')
  assert.ok(afterClose.heapBytes - before.heapBytes < HEAP_SLACK_BYTES, `heap after GC ${before.heapMb} MB -> ${afterClose.heapMb} MB`)
  assert.deepEqual(unhandled, [], 'no unhandled rejection')
}

describe(`load: ${SESSIONS} sessions at full speed, then aclose()`, () => {
  it('SQLite: every write stored; handles, threads, file descriptors and heap back to the baseline', async (t) => {
    const path = join(dir, 'load.db')
    await soak(t, 'sqlite', path, async () => openFiles(path))
  })

  it('PostgreSQL: every write stored; handles, threads, server connections and heap back to the baseline', async (t) => {
    const schema = `agentdb_load_${suffix}`
    const appName = `agentdb_load_${suffix}`
    try {
      await soak(t, 'postgres', `postgresql://postgres@127.0.0.1:5432/test?schema=${schema}&applicationName=${appName}`, () => withAdmin(async (c) => {
        // a backend ends shortly after its client hangs up: wait for the count to settle
        let n = 0
        for (let i = 0; i < 50; i++) {
          n = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [appName])).rows[0]?.n)
          if (n === 0) break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        return n
      }))
    } finally {
      await dropSchemas(schema)
    }
  })
})
