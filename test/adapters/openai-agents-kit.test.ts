// Issue 13: the OpenAI Agents part of the adapter kit on every built-in store.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { openaiAgentsConformance } from '../../src/testing/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'

const api = { describe, it, after }
const run = randomBytes(5).toString('hex')

openaiAgentsConformance(api, {
  name: 'memory',
  capabilities: { syncSurface: true, reads: true, persistent: false },
  url: () => 'memory:',
})

const dir = mkdtempSync(join(tmpdir(), 'agentdb-oa-kit-'))
let files = 0
openaiAgentsConformance(api, {
  name: 'sqlite file',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `sqlite:///${join(dir, `db${files++}.db`)}`,
  destroy: () => rmSync(dir, { recursive: true, force: true }),
})

const schemas: string[] = []
openaiAgentsConformance(api, {
  name: 'postgres',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => {
    const schema = `agentdb_oa_${run}_${schemas.length}`
    schemas.push(schema)
    return `${PG_URL}?schema=${schema}`
  },
  destroy: () => dropSchemas(...schemas),
})

const database = await createTestDatabase()
let prefixes = 0
openaiAgentsConformance(api, {
  name: 'mysql (MariaDB)',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `${rootUrl(database)}?tablePrefix=oa${prefixes++}_`,
  destroy: () => dropTestDatabase(database),
})

const keyPrefix = `agentdb-oa-test-${run}:`
let keys = 0
openaiAgentsConformance(api, {
  name: 'redis',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(`${keyPrefix}${keys++}:`)}`,
  destroy: () => deleteKeys(keyPrefix),
})
