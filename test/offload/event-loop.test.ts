import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { countMessages, holdWriteLock } from '../support/raw-sqlite.js'

// The SQLite `offload` option told apart by which thread waits. Another connection holds the
// file's write lock, so the hook's commit sits in SQLite's busy handler, which sleeps on the
// thread that runs the connection, for up to busyTimeoutMs. A 10 ms interval on the main thread
// shows whether that thread was free meanwhile. The bounds are loose on purpose: they tell a
// free event loop (gaps of milliseconds) from one asleep in the busy handler (a gap of about
// BUSY_TIMEOUT_MS); they are not performance goals.

const BUSY_TIMEOUT_MS = 1500
const RELEASE_AFTER_MS = 600

const dir = mkdtempSync(join(tmpdir(), 'agentdb-event-loop-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

interface LockedWrite {
  /** Longest time between two ticks of the 10 ms interval while the hook was pending. */
  readonly longestGapMs: number
  readonly ticks: number
  /** How much later than scheduled the main-thread timer that releases the lock ran. */
  readonly releaseLateMs: number
}

/** Writes one message with `offload` (undefined: the default) while the lock is held; a main-thread timer releases it. */
async function writeWhileLocked(offload: boolean | undefined): Promise<LockedWrite> {
  const path = join(dir, `offload-${String(offload)}-${files++}.db`)
  await using db = new PraisonAIDB(path, { busyTimeoutMs: BUSY_TIMEOUT_MS, ...(offload === undefined ? {} : { offload }) })
  await db.aonUserMessage('setup', 'opens and migrates the file before the lock is taken')
  const lock = holdWriteLock(path)
  let ticks = 0
  let last = performance.now()
  let longestGapMs = 0
  const interval = setInterval(() => {
    const t = performance.now()
    longestGapMs = Math.max(longestGapMs, t - last)
    last = t
    ticks++
  }, 10)
  const releaseAt = performance.now() + RELEASE_AFTER_MS
  let releaseLateMs = Number.NaN
  const release = setTimeout(() => {
    releaseLateMs = performance.now() - releaseAt
    lock.release()
  }, RELEASE_AFTER_MS)
  try {
    await db.aonUserMessage('s', 'waited for the lock')
  } finally {
    clearInterval(interval)
    clearTimeout(release)
    lock.release()
  }
  assert.ok(!Number.isNaN(releaseLateMs), 'the write could commit only after the lock was released')
  assert.equal(countMessages(path, 's'), 1)
  return { longestGapMs, ticks, releaseLateMs }
}

describe('SQLite offload: which thread waits for a locked database', () => {
  it('offload (default): the busy wait happens in the store thread; main-thread timers keep firing', async () => {
    const { longestGapMs, ticks, releaseLateMs } = await writeWhileLocked(undefined)
    const seen = `longest gap ${longestGapMs.toFixed(0)} ms, ${ticks} ticks, release timer ${releaseLateMs.toFixed(0)} ms late`
    assert.ok(longestGapMs < BUSY_TIMEOUT_MS / 2, `the event loop stayed free: ${seen}`)
    assert.ok(ticks >= 10, `the interval kept firing while the hook waited: ${seen}`)
    assert.ok(releaseLateMs < BUSY_TIMEOUT_MS / 2, `the release timer ran about on time: ${seen}`)
  })

  it('offload: false: the busy wait blocks the main thread; no timer fires during it', async () => {
    const { longestGapMs, ticks, releaseLateMs } = await writeWhileLocked(false)
    const seen = `longest gap ${longestGapMs.toFixed(0)} ms, ${ticks} ticks, release timer ${releaseLateMs.toFixed(0)} ms late`
    assert.ok(longestGapMs >= BUSY_TIMEOUT_MS * 0.8, `the event loop was blocked for the busy timeout: ${seen}`)
    assert.ok(releaseLateMs >= BUSY_TIMEOUT_MS * 0.8 - RELEASE_AFTER_MS, `the release timer could not run on time: ${seen}`)
  })
})
