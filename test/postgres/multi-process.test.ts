import { randomBytes } from 'node:crypto'
import { after, it } from 'node:test'
import { checkMultiProcess } from '../support/multi-process.js'
import { dropSchemas, PG_URL } from './admin.js'

const schema = `agentdb_mp_${randomBytes(5).toString('hex')}`

after(() => dropSchemas(schema))

it('keeps exactly-once and per-writer order with 4 processes writing one schema, shared sessions included', async () => {
  // child processes get only the URL, so the schema travels in its query
  await checkMultiProcess(`${PG_URL}?schema=${schema}`)
})
