import { after, before, describe, it } from 'node:test'
import { checkMultiProcess } from '../support/multi-process.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from './server.js'

describe('MySQL store across processes', () => {
  let database = ''
  before(async () => { database = await createTestDatabase() })
  after(() => dropTestDatabase(database))

  it('gives every message of 4 concurrent writer processes exactly one seq, in each writer\'s order', async () => {
    await checkMultiProcess(rootUrl(database))
  })
})
