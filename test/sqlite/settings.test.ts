// The SQLite settings are read back from the connections themselves (issue 8): each surface's
// connection answers PRAGMA queries, so an option that was parsed but never applied fails here.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-settings-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite settings read back from the connection', () => {
  it('defaults: WAL, synchronous=FULL, a 5 s busy timeout, on both surfaces', async () => {
    await using db = new PraisonAIDB(`sqlite:///${join(dir, 'defaults.db')}`)
    for (const info of [await db.storeInfo(), db.storeInfoSync()]) {
      assert.equal(info.backend, 'sqlite')
      assert.equal(info.schemaVersion, 4)
      assert.equal(info.settings['journalMode'], 'wal')
      assert.equal(info.settings['synchronous'], 'full')
      assert.equal(info.settings['busyTimeoutMs'], 5000)
    }
  })

  it('applies synchronous and busyTimeoutMs from the options and from the URL', async () => {
    await using fromOptions = new PraisonAIDB(`sqlite:///${join(dir, 'normal.db')}`, { synchronous: 'normal', busyTimeoutMs: 1234 })
    await using fromUrl = new PraisonAIDB(`sqlite:///${join(dir, 'off.db')}?synchronous=off&busyTimeoutMs=77`)
    for (const info of [await fromOptions.storeInfo(), fromOptions.storeInfoSync()]) {
      assert.equal(info.settings['synchronous'], 'normal')
      assert.equal(info.settings['busyTimeoutMs'], 1234)
    }
    for (const info of [await fromUrl.storeInfo(), fromUrl.storeInfoSync()]) {
      assert.equal(info.settings['synchronous'], 'off')
      assert.equal(info.settings['busyTimeoutMs'], 77)
    }
  })

  it('an in-memory database has no WAL', async () => {
    await using db = new PraisonAIDB('sqlite://:memory:', { offload: false })
    assert.equal((await db.storeInfo()).settings['journalMode'], 'memory')
  })
})
