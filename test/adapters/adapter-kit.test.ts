// Issue 13, item 4: `adapterConformance` (agentdb/testing) runs every adapter's section on one store,
// destroying the target's storage once, after all of them (here a SQLite folder every section uses).
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { adapterConformance } from '../../src/testing/index.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-adapter-kit-'))
let files = 0
let destroyed = 0

adapterConformance({ describe, it, after }, {
  name: 'sqlite file',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => {
    assert.ok(existsSync(dir), 'no section destroyed the storage before the others ran')
    return `sqlite:///${join(dir, `db${files++}.db`)}`
  },
  destroy: () => {
    destroyed += 1
    assert.equal(destroyed, 1, 'the storage is destroyed once')
    rmSync(dir, { recursive: true, force: true })
  },
})
