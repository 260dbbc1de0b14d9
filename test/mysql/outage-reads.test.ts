import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { assertReadsFailWhileDown, assertResumeReadFailsWhenCut } from '../support/outage-reads.js'
import { closedPort } from '../support/ports.js'
import { TcpProxy } from '../support/tcp-proxy.js'
import { createTestDatabase, dropTestDatabase, MYSQL_PORT, rootUrl } from './server.js'

describe('mysql: a database that is down is an error, never an empty result', () => {
  let database = ''
  before(async () => { database = await createTestDatabase() })
  after(() => dropTestDatabase(database))

  it('fails every read, async and sync, with StoreUnavailableError', async () => {
    using db = new PraisonAIDB(rootUrl(database, await closedPort()), { retryDeadlineMs: 100 })
    await assertReadsFailWhileDown(db)
  })

  it('fails aonAgentStart when the server goes away between its write and its resume read', async () => {
    const proxy = await TcpProxy.start(MYSQL_PORT)
    try {
      {
        // the tables first, directly: a migration on a loaded server may outlast the deadline below
        await using direct = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=down_`)
        assert.equal(await direct.getSession('resume'), null)
      }
      {
        await using db = new PraisonAIDB(`${rootUrl(database, proxy.port)}?tablePrefix=down_`, { retryDeadlineMs: 2000 })
        await assertResumeReadFailsWhenCut(db, proxy, /FROM `down_messages` WHERE/, 'resume')
      }
      await using direct = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=down_`)
      assert.deepEqual((await direct.getAgentStates('resume')).map((s) => s.status), ['started'], 'the write before the read committed')
    } finally {
      await proxy.close()
    }
  })
})
