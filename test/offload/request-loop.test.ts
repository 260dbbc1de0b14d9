// Issue 9: a store thread polls for the next request after an answer (a wake-up is most of a
// hop's cost), only while requests keep coming that soon, and sleeps once callers pause.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { RequestLoop } from '../../src/core/offload/request-loop.js'
import { StoreThread } from '../../src/core/offload/store-thread.js'

/** A loop on a fake clock: `arrivals` maps a clock time to the request that is waiting from then on. */
function fakeLoop(pollMs: number, answer: (request: number) => number | Promise<number> = (r) => r * 10) {
  let clock = 0
  const waiting: { at: number; request: number }[] = []
  const sent: number[] = []
  let receives = 0
  const loop = new RequestLoop<number, number>({
    pollMs,
    answer,
    send: (response) => { sent.push(response) },
    receive: () => {
      receives++
      clock += 0.01 // each poll takes a little time
      const next = waiting[0]
      if (next !== undefined && next.at <= clock) return waiting.shift()!.request
      return undefined
    },
    now: () => clock,
  })
  return {
    loop, sent,
    get receives() { return receives },
    get clock() { return clock },
    advance(ms: number) { clock += ms },
    arrive(request: number, inMs: number) { waiting.push({ at: clock + inMs, request }) },
    /** The event loop delivers the first waiting request. */
    deliver() { loop.serve(waiting.shift()!.request) },
  }
}

describe('RequestLoop', () => {
  it('after an answer it takes a request arriving within the window itself, in order', () => {
    const f = fakeLoop(0.5)
    f.loop.serve(1) // first ever request: nothing recent, so no polling yet
    assert.deepEqual(f.sent, [10])
    assert.equal(f.receives, 0, 'no poll without a recent answer')
    f.advance(0.1)
    f.arrive(3, 0.2)
    f.arrive(4, 0.3)
    f.loop.serve(2) // 0.1 ms after the last answer: polls
    assert.deepEqual(f.sent, [10, 20, 30, 40], 'requests 3 and 4 were taken by polling, in order')
    assert.equal(f.loop.polled, 2)
  })

  it('stops polling after a miss and sleeps until a request again comes within the window', () => {
    const f = fakeLoop(0.5)
    f.loop.serve(1)
    f.advance(0.1)
    f.loop.serve(2) // polls and misses: nothing arrives
    assert.ok(f.clock >= 0.1 + 0.5, 'it polled for the whole window')
    const afterMiss = f.receives
    f.advance(5)
    f.arrive(4, 0.05)
    f.loop.serve(3) // 5 ms after the last answer: no polling
    assert.equal(f.receives, afterMiss, 'a request after a pause is answered without polling')
    assert.deepEqual(f.sent, [10, 20, 30])
    f.advance(0.2)
    f.loop.serve(4) // within the window again: polling resumes
    assert.ok(f.receives > afterMiss)
  })

  it('an answer that is a promise ends the polling and is sent once settled', async () => {
    const f = fakeLoop(0.5, (r) => (r === 2 ? Promise.resolve(r * 10) : r * 10))
    f.loop.serve(1)
    f.advance(0.1)
    f.arrive(3, 0)
    f.loop.serve(2)
    assert.deepEqual(f.sent, [10], 'request 2 is not sent before its promise settles')
    assert.equal(f.receives, 0, 'request 3 is left to the event loop')
    await Promise.resolve()
    assert.deepEqual(f.sent, [10, 20])
  })

  it('does not poll after an answer that took longer than the window (a large batch)', () => {
    let f!: ReturnType<typeof fakeLoop>
    f = fakeLoop(0.5, (r) => { if (r === 2) f.advance(3); return r * 10 })
    f.loop.serve(1)
    f.advance(0.1)
    f.arrive(3, 0)
    f.loop.serve(2) // polling is on (a request soon after an answer), but this answer took 3 ms
    assert.deepEqual(f.sent, [10, 20])
    assert.equal(f.receives, 0, 'request 3 is left to the event loop')
    f.arrive(4, 0.1)
    f.deliver() // request 3, right after: a quick answer, so it polls and takes request 4
    assert.deepEqual(f.sent, [10, 20, 30, 40])
    assert.equal(f.loop.polled, 1)
  })

  it('pollMs 0 never polls', () => {
    const f = fakeLoop(0)
    f.loop.serve(1)
    f.arrive(2, 0)
    f.loop.serve(3)
    assert.equal(f.receives, 0)
  })
})

describe('the SQLite store thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-request-loop-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('polls while one agent awaits each write, and sleeps once the agent pauses', async () => {
    await using db = new PraisonAIDB(`sqlite:///${join(dir, 'loop.db')}?synchronous=off`)
    await db.aonUserMessage('s', 'open')
    const thread = StoreThread.shared()
    const before = (await thread.loopStats()).polled
    for (let i = 0; i < 200; i++) await db.aonUserMessage('s', `m${i}`)
    const polled = (await thread.loopStats()).polled - before
    // On a loaded machine some requests miss the window; most of 200 back-to-back ones do not.
    assert.ok(polled >= 50, `the thread took back-to-back writes by polling (${polled} of 200)`)
    await sleep(20)
    const start = thread.eventLoopUtilization()
    await sleep(300)
    const idle = thread.eventLoopUtilization(start)
    assert.ok(idle.active < 100, `the thread sleeps while no request comes (busy ${idle.active.toFixed(1)} ms of ${idle.idle.toFixed(0)} ms idle)`)
    assert.equal((await db.getMessages('s')).length, 201)
  })
})
