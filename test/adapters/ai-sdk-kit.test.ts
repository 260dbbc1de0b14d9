// Issue 13: the AI SDK adapter's part of the adapter kit, on every store.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { aiSdkConformance } from '../../src/testing/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'

const api = { describe, it, after }
const run = randomBytes(5).toString('hex')

aiSdkConformance(api, {
  name: 'memory',
  capabilities: { syncSurface: true, reads: true, persistent: false },
  create: () => new PraisonAIDB('memory:'),
})

const dir = mkdtempSync(join(tmpdir(), 'agentdb-ai-sdk-'))
let files = 0
aiSdkConformance(api, {
  name: 'sqlite file',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `sqlite:///${join(dir, `chat${files++}.db`)}`,
  destroy: () => rmSync(dir, { recursive: true, force: true }),
})

const schemas: string[] = []
aiSdkConformance(api, {
  name: 'postgres',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => {
    const schema = `agentdb_ai_sdk_${run}_${schemas.length}`
    schemas.push(schema)
    return `${PG_URL}?schema=${schema}`
  },
  destroy: () => dropSchemas(...schemas),
})

const database = await createTestDatabase()
let prefixes = 0
aiSdkConformance(api, {
  name: 'mysql (MariaDB)',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `${rootUrl(database)}?tablePrefix=c${prefixes++}_`,
  destroy: () => dropTestDatabase(database),
})

const keyPrefix = `agentdb-ai-sdk-${run}:`
let keys = 0
aiSdkConformance(api, {
  name: 'redis',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(`${keyPrefix}${keys++}:`)}`,
  destroy: () => deleteKeys(keyPrefix),
})
