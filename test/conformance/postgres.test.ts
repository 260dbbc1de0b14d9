import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { storeConformance } from '../../src/testing/index.js'

const URL = 'postgresql://postgres@127.0.0.1:5432/test'
const run = `agentdb_test_${randomBytes(5).toString('hex')}`
const schemas: string[] = []

storeConformance({
  name: 'postgres',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => {
    const schema = `${run}_${schemas.length}`
    schemas.push(schema)
    return `${URL}?schema=${schema}`
  },
  destroy: async () => {
    const admin = new pg.Client({ connectionString: URL })
    await admin.connect()
    try {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    } finally {
      await admin.end()
    }
  },
}, { describe, it, after })
