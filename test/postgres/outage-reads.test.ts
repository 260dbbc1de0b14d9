import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { assertReadsFailWhileDown, assertResumeReadFailsWhenCut } from '../support/outage-reads.js'
import { closedPort } from '../support/ports.js'
import { TcpProxy } from '../support/tcp-proxy.js'
import { dropSchemas, PG_URL } from './admin.js'

const schema = `agentdb_down_${randomBytes(5).toString('hex')}`

after(() => dropSchemas(schema))

describe('postgres: a database that is down is an error, never an empty result', () => {
  it('fails every read, async and sync, with StoreUnavailableError', async () => {
    using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${await closedPort()}/test?schema=${schema}`, { retryDeadlineMs: 100 })
    await assertReadsFailWhileDown(db)
  })

  it('fails aonAgentStart when the server goes away between its write and its resume read', async () => {
    const proxy = await TcpProxy.start(5432)
    try {
      {
        // the tables first, directly: a migration on a loaded server may outlast the deadline below
        await using direct = new PraisonAIDB(`${PG_URL}?schema=${schema}`)
        assert.equal(await direct.getSession('resume'), null)
      }
      {
        await using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, { retryDeadlineMs: 2000 })
        await assertResumeReadFailsWhenCut(db, proxy, /FROM "[^"]+"\."messages" WHERE/, 'resume')
      }
      await using direct = new PraisonAIDB(`${PG_URL}?schema=${schema}`)
      assert.deepEqual((await direct.getAgentStates('resume')).map((s) => s.status), ['started'], 'the write before the read committed')
    } finally {
      await proxy.close()
    }
  })
})
