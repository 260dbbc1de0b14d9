// Issue 12, item 4: the shared SQLite store thread dies (terminate); pending hooks get a typed
// error or are retried, none is lost or doubled, and the next hook starts a new thread.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB, StoreUnavailableError } from '../../src/index.js'
import { StoreThread } from '../../src/core/offload/store-thread.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-thread-death-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('the store thread dies', () => {
  it('pending hooks settle typed, the next hook runs on a new thread, nothing is lost or doubled', async () => {
    await using db = new PraisonAIDB(`sqlite:///${join(dir, 'death.db')}`)
    await db.aonUserMessage('s', 'before')
    const dying = StoreThread.shared()
    assert.equal(dying.stopped, false)
    const pending = Array.from({ length: 50 }, (_, i) => db.aonUserMessage('s', `during ${i}`))
    await dying.terminate()
    const settled = await Promise.allSettled(pending)
    for (const result of settled) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof StoreUnavailableError, String(result.reason))
    }
    assert.ok(dying.stopped, 'the thread did die')
    await db.aonUserMessage('s', 'after')
    const fresh = StoreThread.shared()
    assert.notEqual(fresh, dying, 'a new thread serves the store')
    const contents = (await db.getMessages('s')).map((m) => m.content)
    assert.equal(contents[0], 'before')
    assert.equal(contents[contents.length - 1], 'after')
    const resolved = settled.map((r, i) => (r.status === 'fulfilled' ? `during ${i}` : null)).filter((c) => c !== null)
    for (const content of resolved) assert.equal(contents.filter((c) => c === content).length, 1, `${content} is stored once`)
    assert.equal(new Set(contents).size, contents.length, 'nothing is stored twice')
  })
})
