// The spool's drain (what `flush()`, `aclose()` and calls that must follow every write wait
// for), on a real spool file with a replay the test controls: a replay that moves is waited for
// to its end however long the spool; one that stopped is given up after the deadline; only the
// writes spooled before the call are waited for; and a drain probes again soon, whatever the
// backoff had grown to while the store was down.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { StoreUnavailableError } from '../../src/index.js'
import type { WriteOp, WriteResult } from '../../src/core/store.js'
import { Spool } from '../../src/core/spool/spool.js'
import { openSpoolFile } from '../../src/stores/registry.js'

const message = (n: number): WriteOp => ({ type: 'message', session: { id: 's' }, message: { id: `m${n}`, content: String(n) } } as unknown as WriteOp)
const indexOf = (op: WriteOp): number => Number((op as unknown as { message: { content: string } }).message.content)
const down = (): never => { throw new StoreUnavailableError('STORE_UNAVAILABLE', 'the store is down') }
const neverDirect = (): Promise<WriteResult> => Promise.reject(new Error('a write went to the store while the spool held writes'))

/** A spool on a fresh file whose replay is `replay`; stopped after the test. */
function makeSpool(t: TestContext, replay: (ops: readonly WriteOp[]) => Promise<unknown>, maxBatch = 2): Spool {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-spool-drain-'))
  const spool = new Spool({ path: join(dir, 'spool.db'), target: 'test://store', open: openSpoolFile, maxBatch, holdMs: 0, replay })
  t.after(async () => {
    await spool.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return spool
}

/** Spools writes `from`..`to`-1 (the first through a store that is down, the rest behind it). */
async function spoolWrites(spool: Spool, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) await spool.write([message(n)], async () => down())
}

describe('spool drain', () => {
  it('with patience, waits for a replay that moves to its end, however much longer than the deadline it takes', async (t) => {
    let up = false
    const replayed: number[] = []
    const spool = makeSpool(t, async (ops) => {
      if (!up) down()
      await sleep(15)
      replayed.push(...ops.map(indexOf))
    })
    await spoolWrites(spool, 0, 40) // 20 batches of 2, 15 ms each: ~300 ms
    assert.equal(spool.status().pending, 40)
    up = true
    assert.equal(await spool.drain(60, true), true, 'every write was replayed')
    assert.equal(spool.status().pending, 0)
    assert.deepEqual(replayed, Array.from({ length: 40 }, (_, n) => n), 'in order, once each')
  })

  it('without patience (a call on an agent\'s path), gives up at the deadline with the rest still spooled', async (t) => {
    let up = false
    const spool = makeSpool(t, async () => {
      if (!up) down()
      await sleep(15)
    })
    await spoolWrites(spool, 0, 40)
    up = true
    assert.equal(await spool.drain(60), false)
    const left = spool.status().pending
    assert.ok(left > 0 && left < 40, `the replay went on but had not finished: ${left} left`)
  })

  it('with patience, gives up once the store has taken no batch for the deadline', async (t) => {
    let taken = 0 // batches the store will take before it goes down for good
    const spool = makeSpool(t, async () => {
      if (taken <= 0) down()
      taken--
    })
    await spoolWrites(spool, 0, 20)
    taken = 3
    assert.equal(await spool.drain(200, true), false)
    assert.equal(spool.status().pending, 14, '3 batches of 2 were replayed, the rest stays spooled')
    assert.equal(spool.status().failed, 0, 'an unavailable store never sets a write aside')
  })

  it('waits only for the writes spooled before the call, not for those spooled behind them meanwhile', async (t) => {
    let up = false
    const spool = makeSpool(t, async () => {
      if (!up) down()
      await sleep(10)
    })
    await spoolWrites(spool, 0, 20)
    up = true
    let writing = true
    const writer = (async () => {
      // a steady writer that outpaces the replay: its writes are spooled behind (holdMs 0)
      for (let n = 20; writing; n++) await spool.write([message(n)], neverDirect)
    })()
    try {
      assert.equal(await spool.drain(300, true), true, 'the writes made before the drain were replayed')
      assert.ok(spool.status().pending > 0, 'later writes still wait: the drain did not wait for them')
    } finally {
      writing = false
      await writer
    }
  })

  it('probes again soon: a store that comes back after the backoff grew to its longest is replayed within the deadline', async (t) => {
    let upAt = Infinity
    let probes = 0
    const spool = makeSpool(t, async () => {
      probes++
      if (Date.now() < upAt) down() // down, then still starting (answering, not ready: unavailable)
    })
    await spoolWrites(spool, 0, 4)
    await sleep(3500) // the loop's backoff grows towards 2 s
    const before = probes
    upAt = Date.now() + 150
    // the loop now sleeps 2 s between probes: a drain that did not start the backoff again would
    // wait that long and miss its 1.5 s deadline; one that does probes at 50, 100, 200 ms ...
    assert.equal(await spool.drain(1500, true), true, 'replayed within the drain\'s deadline')
    assert.ok(probes - before >= 2, `the drain's first probe met a store still starting, and it was probed again (${probes - before} probes)`)
    assert.equal(spool.status().pending, 0)
  })
})
