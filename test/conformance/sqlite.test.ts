import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { storeConformance } from '../../src/testing/index.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-conformance-'))
let n = 0

storeConformance({
  name: 'sqlite file',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `sqlite:///${join(dir, `db${n++}.db`)}`,
  destroy: () => rmSync(dir, { recursive: true, force: true }),
}, { describe, it, after })

storeConformance({
  name: 'sqlite :memory:',
  capabilities: { syncSurface: true, reads: true, persistent: false },
  create: () => new PraisonAIDB('sqlite://:memory:'),
}, { describe, it, after })
