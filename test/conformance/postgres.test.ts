import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { storeConformance } from '../../src/testing/index.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'

const run = `agentdb_test_${randomBytes(5).toString('hex')}`
const schemas: string[] = []

storeConformance({
  name: 'postgres',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => {
    const schema = `${run}_${schemas.length}`
    schemas.push(schema)
    return `${PG_URL}?schema=${schema}`
  },
  destroy: () => dropSchemas(...schemas),
}, { describe, it, after })
