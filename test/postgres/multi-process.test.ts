import { randomBytes } from 'node:crypto'
import { after, it } from 'node:test'
import pg from 'pg'
import { checkMultiProcess } from '../support/multi-process.js'

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test'
const schema = `agentdb_mp_${randomBytes(5).toString('hex')}`

after(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
})

it('keeps exactly-once and per-writer order with 4 processes writing one schema, shared sessions included', async () => {
  // child processes get only the URL, so the schema travels in its query
  await checkMultiProcess(`${ADMIN_URL}?schema=${schema}`)
})
