import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { checkMultiProcess } from '../support/multi-process.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-sqlite-mp-'))
after(() => rmSync(dir, { recursive: true, force: true }))

it('keeps exactly-once and per-writer order with 4 processes writing one SQLite file, shared sessions included', async () => {
  // a fresh file: the four processes also race to create and migrate it
  await checkMultiProcess(`sqlite:///${join(dir, 'mp.db')}`)
})
