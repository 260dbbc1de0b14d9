import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { checkMultiProcess } from '../support/multi-process.js'
import { deleteKeys } from './admin.js'

describe('redis: several processes writing one database', () => {
  const prefix = `agentdb-test-${randomBytes(6).toString('hex')}:`
  after(() => deleteKeys(prefix))

  it('keeps every message exactly once and each writer\'s order, with seqs 1..n per session', async () => {
    await checkMultiProcess(`redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}`)
  })
})
