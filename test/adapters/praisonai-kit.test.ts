// Issue 13.3: the praisonai-ts DbAdapter section of the adapter kit on every store.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { praisonaiConformance } from '../../src/testing/adapters/praisonai.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'

const api = { describe, it, after }
const persistent = { syncSurface: true, reads: true, persistent: true }

praisonaiConformance(api, {
  name: 'memory',
  capabilities: { syncSurface: true, reads: true, persistent: false },
  create: () => new PraisonAIDB('memory:'),
})

const dir = mkdtempSync(join(tmpdir(), 'agentdb-praisonai-'))
let files = 0
praisonaiConformance(api, {
  name: 'sqlite file',
  capabilities: persistent,
  url: () => `sqlite:///${join(dir, `db${files++}.db`)}`,
  destroy: () => rmSync(dir, { recursive: true, force: true }),
})

const run = `agentdb_praisonai_${randomBytes(5).toString('hex')}`
const schemas: string[] = []
praisonaiConformance(api, {
  name: 'postgres',
  capabilities: persistent,
  url: () => {
    const schema = `${run}_${schemas.length}`
    schemas.push(schema)
    return `${PG_URL}?schema=${schema}`
  },
  destroy: () => dropSchemas(...schemas),
})

const database = await createTestDatabase()
let tables = 0
praisonaiConformance(api, {
  name: 'mysql (MariaDB)',
  capabilities: persistent,
  url: () => `${rootUrl(database)}?tablePrefix=p${tables++}_`,
  destroy: () => dropTestDatabase(database),
})

const prefix = `agentdb-praisonai-${randomBytes(6).toString('hex')}:`
let prefixes = 0
praisonaiConformance(api, {
  name: 'redis',
  capabilities: persistent,
  url: () => `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(`${prefix}${prefixes++}:`)}`,
  destroy: () => deleteKeys(prefix),
})
