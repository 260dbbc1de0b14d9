import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { assertReadsFailWhileDown, assertResumeReadFailsWhenCut } from '../support/outage-reads.js'
import { closedPort } from '../support/ports.js'
import { TcpProxy } from '../support/tcp-proxy.js'
import { deleteKeys } from './admin.js'

const prefix = `agentdb-down-${randomBytes(6).toString('hex')}:`
const urlFor = (port: number): string => `redis://127.0.0.1:${port}/0?keyPrefix=${encodeURIComponent(prefix)}`

after(() => deleteKeys(prefix))

describe('redis: a database that is down is an error, never an empty result', () => {
  it('fails every read, async and sync, with StoreUnavailableError', async () => {
    using db = new PraisonAIDB(urlFor(await closedPort()), { retryDeadlineMs: 100 })
    await assertReadsFailWhileDown(db)
  })

  it('fails aonAgentStart when the server goes away between its write and its resume read', async () => {
    const proxy = await TcpProxy.start(6379)
    try {
      {
        await using db = new PraisonAIDB(urlFor(proxy.port), { retryDeadlineMs: 2000 })
        await assertResumeReadFailsWhenCut(db, proxy, /zrangebyscore/i, 'resume')
      }
      await using direct = new PraisonAIDB(urlFor(6379))
      assert.deepEqual((await direct.getAgentStates('resume')).map((s) => s.status), ['started'], 'the write before the read committed')
    } finally {
      await proxy.close()
    }
  })
})
