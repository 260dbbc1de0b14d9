import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { storeConformance } from '../../src/testing/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'

// One fresh database per run; each create() gets tables of its own in it (a table prefix),
// so that every PraisonAIDB starts on empty storage and reopen() finds the same tables.
const database = await createTestDatabase()
let n = 0
const urls = new WeakMap<PraisonAIDB, string>()
const open = (url: string): PraisonAIDB => {
  const db = new PraisonAIDB(url)
  urls.set(db, url)
  return db
}

storeConformance({
  name: 'mysql (MariaDB)',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  create: () => open(`${rootUrl(database)}?tablePrefix=c${n++}_`),
  reopen: (db) => open(urls.get(db)!),
  destroy: () => dropTestDatabase(database),
}, { describe, it, after })
