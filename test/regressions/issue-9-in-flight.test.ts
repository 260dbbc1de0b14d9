// Issue 9: group commit keeps more than one batch in flight where the store declares it
// (`Backend.writesInFlight`): the calling thread sends the next batch while the store still
// writes one. Here the store is held (Redis paused; another SQLite connection holds the write
// lock), and a write of another session is sent to the real Redis all the same, while the held
// session's next write waits for its batch; SQLite keeps one batch in flight, so there it waits.
// PostgreSQL and MariaDB, where such a batch even commits beside the held one, are in
// test/reliability/write-fence.test.ts.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { userMessageOp } from '../../src/core/facade/hooks.js'
import { StoreRuntime } from '../../src/core/runtime.js'
import type { Backend, Store, WriteOp } from '../../src/core/store.js'
import { resolveTarget } from '../../src/core/targets.js'
import { PraisonAIDB } from '../../src/index.js'
import { adminClient, deleteKeys } from '../redis/admin.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const dir = mkdtempSync(join(tmpdir(), 'agentdb-in-flight-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** The batches a store is writing: each call of `write` until it settles. */
interface Watch {
  readonly inFlight: (readonly WriteOp[])[]
  maxInFlight: number
}

/** `url`'s backend, its store's `write` watched (the store itself is the real one). */
function watched(url: string): { backend: Backend; watch: Watch } {
  const backend = resolveTarget(url, {}).build(30_000)
  const watch: Watch = { inFlight: [], maxInFlight: 0 }
  const wrap = (store: Store): Store => new Proxy(store, {
    get(target, key) {
      if (key === 'write') {
        return async (ops: readonly WriteOp[]) => {
          watch.inFlight.push(ops)
          watch.maxInFlight = Math.max(watch.maxInFlight, watch.inFlight.length)
          try {
            return await target.write(ops)
          } finally {
            watch.inFlight.splice(watch.inFlight.indexOf(ops), 1)
          }
        }
      }
      const value: unknown = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { backend: { ...backend, open: async () => wrap(await backend.open()) }, watch }
}

const message = (sessionId: string, content: string): WriteOp => userMessageOp({ sessionId, content })

/**
 * Writes `a` once, holds the store, writes `a` and then `b` and `a` again; checks that b's batch
 * reached the store while a's was held there (`beside`; else that it waited), and that a's
 * writes kept their order.
 */
async function checkSentBeside(url: string, beside: boolean, hold: () => Promise<() => Promise<void>>): Promise<void> {
  const { backend, watch } = watched(url)
  const runtime = new StoreRuntime(backend, { retryDeadlineMs: 20_000, maxBatch: 1000, buffered: false })
  try {
    await runtime.write(message('a', 'a1'))
    const release = await hold()
    let writes: Promise<void>[]
    try {
      writes = [runtime.write(message('a', 'a2'))]
      await sleep(50)
      assert.equal(watch.inFlight.length, 1, 'a\'s batch is held by the store')
      writes.push(runtime.write(message('b', 'b1')), runtime.write(message('a', 'a3')))
      await sleep(50)
      const expected = beside ? [['a'], ['b']] : [['a']]
      assert.deepEqual(watch.inFlight.map((ops) => ops.map((op) => op.session.id)), expected, beside ? 'b went to the store beside a; a3 waits for a2' : 'b waits for a\'s batch')
    } finally {
      await release()
    }
    await Promise.all(writes)
    assert.equal(watch.maxInFlight, beside ? 2 : 1)
  } finally {
    await runtime.aclose()
  }
  await using db = new PraisonAIDB(url)
  assert.deepEqual((await db.getMessages('a')).map((m) => [m.seq, m.content]), [[1, 'a1'], [2, 'a2'], [3, 'a3']])
  assert.deepEqual((await db.getMessages('b')).map((m) => m.content), ['b1'])
}

describe('issue 9: batches in flight on SQLite and Redis', () => {
  it('SQLite (store thread): one batch in flight, so the next session\'s batch waits while another connection holds the write lock', async () => {
    const path = join(dir, 'held.db')
    await checkSentBeside(`sqlite:///${path}`, false, async () => {
      const other = new Database(path)
      other.exec('BEGIN IMMEDIATE')
      return async () => { other.exec('COMMIT'); other.close() }
    })
  })

  it('Redis: the next session\'s batch is sent while the server is paused', async () => {
    const prefix = `agentdb_test_in_flight_${process.pid}_${Date.now()}:`
    try {
      await checkSentBeside(`redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}`, true, async () => {
        const admin = await adminClient()
        await admin.call('CLIENT', 'PAUSE', '10000', 'ALL')
        return async () => { await admin.call('CLIENT', 'UNPAUSE'); await admin.quit() }
      })
    } finally {
      await deleteKeys(prefix)
    }
  })
})
