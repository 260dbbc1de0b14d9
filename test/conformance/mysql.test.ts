import { after, describe, it } from 'node:test'
import { storeConformance } from '../../src/testing/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'

// One fresh database per run; each create() gets tables of its own in it (a table prefix),
// so that every PraisonAIDB starts on empty storage and reopen() finds the same tables.
const database = await createTestDatabase()
let n = 0

storeConformance({
  name: 'mysql (MariaDB)',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `${rootUrl(database)}?tablePrefix=c${n++}_`,
  destroy: () => dropTestDatabase(database),
}, { describe, it, after })
