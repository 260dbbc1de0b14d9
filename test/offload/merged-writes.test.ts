// Issue 9: a store thread commits the write batches that waited for it together (one
// transaction, one fsync), each answered with its own part, and a bad batch still fails alone.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { userMessageOp } from '../../src/core/facade/hooks.js'
import { writeMerged } from '../../src/core/offload/merged-writes.js'
import { RequestLoop } from '../../src/core/offload/request-loop.js'
import { StoreThread } from '../../src/core/offload/store-thread.js'
import { StoreRuntime } from '../../src/core/runtime.js'
import type { SyncStore, WriteOp } from '../../src/core/store.js'
import { resolveTarget } from '../../src/core/targets.js'
import { PraisonAIDB, StoreError } from '../../src/index.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const op = (n: number): WriteOp => ({ n }) as unknown as WriteOp

/** A store that records each write and fails any write holding op `bad`. */
function recordingStore(bad?: number): { store: SyncStore; writes: number[][] } {
  const writes: number[][] = []
  const store = {
    write(ops: readonly WriteOp[]) {
      const ns = ops.map((o) => (o as unknown as { n: number }).n)
      if (ns.includes(bad ?? -1)) throw new Error(`op ${bad} is bad`)
      writes.push(ns)
      return ns.map((n) => n * 10)
    },
  } as unknown as SyncStore
  return { store, writes }
}

describe('writeMerged', () => {
  it('writes the batches as one write and answers each with its part', () => {
    const { store, writes } = recordingStore()
    const outcomes = writeMerged(store, [[op(1), op(2)], [op(3)], [op(4), op(5)]])
    assert.deepEqual(writes, [[1, 2, 3, 4, 5]])
    assert.deepEqual(outcomes, [{ ok: true, value: [10, 20] }, { ok: true, value: [30] }, { ok: true, value: [40, 50] }])
  })

  it('when the merged write fails, writes each batch alone: only the bad one fails', () => {
    const { store, writes } = recordingStore(3)
    const outcomes = writeMerged(store, [[op(1), op(2)], [op(3)], [op(4)]])
    assert.deepEqual(writes, [[1, 2], [4]])
    assert.deepEqual(outcomes[0], { ok: true, value: [10, 20] })
    assert.equal(outcomes[1]!.ok, false)
    assert.deepEqual(outcomes[2], { ok: true, value: [40] })
  })
})

describe('RequestLoop.takeWaiting', () => {
  it('hands out waiting requests the answer takes; the first it does not is answered next, in order', () => {
    const waiting = [2, 3, 100, 4]
    const sent: number[] = []
    const loop: RequestLoop<number, number> = new RequestLoop<number, number>({
      pollMs: 0,
      answer: (request) => {
        if (request >= 100) return request
        const taken = [request]
        for (let next = loop.takeWaiting((r) => r < 100); next !== undefined; next = loop.takeWaiting((r) => r < 100)) taken.push(next)
        return taken.map((r) => r * 10)
      },
      send: (response) => { sent.push(response) },
      receive: () => waiting.shift(),
      now: () => 0,
    })
    loop.serve(1)
    assert.deepEqual(sent, [10, 20, 30, 100], 'request 100 was held and answered after the writes taken with 1')
    assert.deepEqual(waiting, [4], 'nothing past the held request was taken')
  })
})

describe('the SQLite store thread merges the batches waiting for it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-merged-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('batches queued behind a held one commit together; a batch that fails there fails alone', async () => {
    const path = join(dir, 'merged.db')
    const url = `sqlite:///${path}`
    const backend = resolveTarget(url, {}).build(30_000)
    // four batches in flight, so that three queue behind the one the lock holds
    const runtime = new StoreRuntime({ ...backend, writesInFlight: 4 }, { retryDeadlineMs: 20_000, maxBatch: 1000, buffered: false })
    const write = (sessionId: string, content: string): Promise<void> => runtime.write(userMessageOp({ sessionId, content }))
    try {
      await write('a', 'open')
      const raw = new Database(path)
      raw.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
      const thread = StoreThread.shared()
      const before = (await thread.loopStats()).merged
      raw.exec('BEGIN IMMEDIATE')
      const writes = [write('a', 'a1')]
      await sleep(50) // the thread took a's batch and waits for the lock
      writes.push(write('b', 'b1'))
      await sleep(10)
      writes.push(write('c', 'poison'))
      await sleep(10)
      writes.push(write('d', 'd1'))
      await sleep(50)
      raw.exec('COMMIT')
      raw.close()
      const outcomes = await Promise.allSettled(writes)
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
      const rejected = outcomes[2] as PromiseRejectedResult
      assert.ok(rejected.reason instanceof StoreError, `the poisoned batch failed alone with its own error: ${String(rejected.reason)}`)
      const merged = (await thread.loopStats()).merged - before
      assert.ok(merged >= 3, `the three batches that waited were committed as one write (merged ${merged})`)
    } finally {
      await runtime.aclose()
    }
    await using db = new PraisonAIDB(url)
    assert.deepEqual((await db.getMessages('a')).map((m) => [m.seq, m.content]), [[1, 'open'], [2, 'a1']])
    assert.deepEqual((await db.getMessages('b')).map((m) => m.content), ['b1'])
    assert.deepEqual((await db.getMessages('c')).map((m) => m.content), [])
    assert.deepEqual((await db.getMessages('d')).map((m) => m.content), ['d1'])
  })
})
