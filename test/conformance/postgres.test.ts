import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { PraisonAIDB } from '../../src/index.js'
import { storeConformance } from '../../src/testing/index.js'

const URL = 'postgresql://postgres@127.0.0.1:5432/test'
const run = `agentdb_test_${randomBytes(5).toString('hex')}`
const schemas: string[] = []
const schemaOf = new WeakMap<PraisonAIDB, string>()

const open = (schema: string): PraisonAIDB => {
  const db = new PraisonAIDB(URL, { schema })
  schemaOf.set(db, schema)
  return db
}

storeConformance({
  name: 'postgres',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  create: () => {
    const schema = `${run}_${schemas.length}`
    schemas.push(schema)
    return open(schema)
  },
  reopen: (db) => open(schemaOf.get(db)!),
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
