import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PraisonAIDB, StoreError, StoreUnavailableError } from '../../src/index.js'
import { addPoisonTrigger, countMessages, holdWriteLock, stateAfter } from '../support/raw-sqlite.js'

// `durability` told apart by what a hook does while another connection holds the file's write
// lock: a durable hook cannot commit, so it must not resolve; a buffered one resolves at once.

const dir = mkdtempSync(join(tmpdir(), 'agentdb-durability-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite durability while another connection holds the write lock', () => {
  it('durable: the hook stays pending until the lock is released, and its row is committed when it resolves', async () => {
    const path = join(dir, 'durable.db')
    // generous, so the write waits for the lock rather than failing
    await using db = new PraisonAIDB(path, { durability: 'durable', busyTimeoutMs: 20_000 })
    await db.aonUserMessage('setup', 'opens and migrates the file before the lock is taken')
    const lock = holdWriteLock(path)
    let hook: Promise<void> | undefined
    try {
      hook = db.aonUserMessage('s', 'durable')
      assert.equal(await stateAfter(hook, 300), 'pending', 'a durable hook does not resolve before its commit')
      assert.equal(countMessages(path, 's'), 0)
    } finally {
      lock.release()
    }
    await hook
    assert.equal(countMessages(path, 's'), 1, 'committed, and visible to another connection, once the hook resolved')
  })

  it('buffered: the hook resolves while the lock is held; the row appears after flush() following the release', async () => {
    const path = join(dir, 'buffered.db')
    await using db = new PraisonAIDB(path, { durability: 'buffered', busyTimeoutMs: 20_000 })
    await db.aonUserMessage('setup', 'x')
    await db.flush()
    const lock = holdWriteLock(path)
    let flushed: Promise<void> | undefined
    try {
      assert.equal(await stateAfter(db.aonUserMessage('s', 'buffered'), 1000), 'resolved', 'a buffered hook resolves once queued')
      assert.equal(countMessages(path, 's'), 0, 'resolved, but not committed')
      flushed = db.flush()
      assert.equal(await stateAfter(flushed, 300), 'pending', 'flush() waits for the commit')
    } finally {
      lock.release()
    }
    await flushed
    assert.equal(countMessages(path, 's'), 1)
  })
})

describe('SQLite: a lock held by another connection', () => {
  it('is waited for by default (busyTimeoutMs 5000), not retried against the deadline', async () => {
    const path = join(dir, 'default-wait.db')
    // a deadline far shorter than the lock: only the busy wait can make this write succeed
    await using db = new PraisonAIDB(path, { retryDeadlineMs: 100 })
    await db.aonUserMessage('setup', 'x')
    const lock = holdWriteLock(path)
    const released = new Promise<void>((resolve) => setTimeout(() => { lock.release(); resolve() }, 1000))
    try {
      await db.aonUserMessage('s', 'waited')
    } finally {
      lock.release()
    }
    await released
    assert.equal(countMessages(path, 's'), 1)
  })


  it('past busyTimeoutMs and retryDeadlineMs, rejects a durable hook with StoreUnavailableError and writes nothing; the next hook works', async () => {
    const path = join(dir, 'deadline.db')
    await using db = new PraisonAIDB(path, { busyTimeoutMs: 100, retryDeadlineMs: 600 })
    await db.aonUserMessage('setup', 'x')
    const lock = holdWriteLock(path)
    try {
      await assert.rejects(db.aonUserMessage('s', 'never acknowledged'), (e: unknown) => e instanceof StoreUnavailableError && e.code === 'STORE_UNAVAILABLE')
    } finally {
      lock.release()
    }
    assert.equal(countMessages(path, 's'), 0, 'a rejected write is not committed later')
    await db.aonUserMessage('s', 'after the release')
    assert.deepEqual((await db.getMessages('s')).map((m) => [m.seq, m.content]), [[1, 'after the release']])
  })
})

describe('buffered durability: failures and the end of the process', () => {
  it('reports a failed buffered write from aclose()', async () => {
    const path = join(dir, 'buffered-aclose.db')
    const db = new PraisonAIDB(path, { durability: 'buffered' })
    await db.aonUserMessage('b', 'ok')
    await db.flush()
    addPoisonTrigger(path)
    await db.aonUserMessage('b', 'poison')
    await assert.rejects(db.aclose(), (e: unknown) => e instanceof StoreError && e.code === 'STORE_FAILED')
    assert.equal(countMessages(path, 'b'), 1)
  })


  const CHILD = fileURLToPath(new URL('../support/buffered-exit-child.js', import.meta.url))
  for (const ending of ['beforeExit', 'SIGINT'] as const) {
    it(`flushes on ${ending}`, async () => {
      const path = join(dir, `exit-${ending}.db`)
      const child = spawnSync(process.execPath, [CHILD, path, '2000', ending], { encoding: 'utf8', timeout: 60_000 })
      if (ending === 'SIGINT') assert.equal(child.signal, 'SIGINT', `the child ended by its signal (status ${child.status}, ${child.stderr})`)
      else assert.deepEqual([child.status, child.signal], [0, null], `the child exited by itself: ${child.stderr}`)
      await using db = new PraisonAIDB(path)
      assert.deepEqual((await db.getMessages('buffered')).map((m) => Number(m.content)), Array.from({ length: 2000 }, (_, i) => i))
    })
  }
})
