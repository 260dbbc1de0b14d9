import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB, StoreError } from '../../src/index.js'
import { closedPort } from '../support/ports.js'
import { assertHidden, checkForbiddenHidden, checkRefusedConnection, runLeakChild, SECRET, thrown } from '../support/secrets.js'
import { createTestDatabase, dropTestDatabase, MYSQL_HOST, MYSQL_PORT, rootUrl, suffix, withRoot } from './server.js'

describe('mysql: the password of the URL shows nowhere', () => {
  const user = `agentdb_rd_${suffix()}`
  /** A user that logs in with the password and may write. */
  const writer = `agentdb_wr_${suffix()}`
  let database = ''
  /** A user that logs in with the password and may read the tables but not write them. */
  let readerUrl = ''

  before(async () => {
    database = await createTestDatabase()
    readerUrl = `mysql://${user}:${SECRET}@${MYSQL_HOST}:${MYSQL_PORT}/${database}?tablePrefix=sec_`
    {
      await using owner = new PraisonAIDB(`${rootUrl(database)}?tablePrefix=sec_`)
      await owner.aonUserMessage('seeded', 'hello')
    }
    await withRoot(async (c) => {
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, SECRET])
      // CREATE for the migration's CREATE TABLE IF NOT EXISTS, which finds the tables there
      await c.query(`GRANT SELECT, CREATE ON \`${database}\`.* TO ?@'%'`, [user])
      await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [writer, SECRET])
      await c.query(`GRANT ALL ON \`${database}\`.* TO ?@'%'`, [writer])
    })
  })

  after(async () => {
    await withRoot(async (c) => {
      await c.query("DROP USER IF EXISTS ?@'%'", [user])
      await c.query("DROP USER IF EXISTS ?@'%'", [writer])
    })
    await dropTestDatabase(database)
  })

  it('in a refused connection, async and through the sync bridge', () => checkRefusedConnection((port) => `mysql://${user}:${SECRET}@127.0.0.1:${port}/${database}`))

  it('in a StoreError for a statement the server refuses (no INSERT privilege), async and through the sync bridge', async () => {
    using db = new PraisonAIDB(readerUrl, { retryDeadlineMs: 100 })
    assert.deepEqual((await db.getMessages('seeded')).map((m) => m.content), ['hello'], 'the user logs in with the password and reads')
    for (const use of [() => db.aonUserMessage('s', 'x'), () => db.onUserMessage('s', 'x')]) {
      const error = await thrown(use)
      assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED', String(error))
      assert.match(error.message, /ER_TABLEACCESS_DENIED_ERROR/)
      assertHidden(SECRET, error, db)
    }
  })

  it('in SESSION_FORBIDDEN errors of a user scope, async and through the sync bridge', () =>
    checkForbiddenHidden(`mysql://${writer}:${SECRET}@${MYSQL_HOST}:${MYSQL_PORT}/${database}?tablePrefix=sec_`))

  it('in the output of a process that prints a user scope\'s SESSION_FORBIDDEN errors and crashes on the last', async () => {
    const output = await runLeakChild(`mysql://${writer}:${SECRET}@${MYSQL_HOST}:${MYSQL_PORT}/${database}?tablePrefix=sec_`, 'forbidden', 4)
    assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(output, /SESSION_FORBIDDEN/)
  })

  it('in the output of a process that prints those errors and crashes on the last', async () => {
    const port = await closedPort()
    const down = await runLeakChild(`mysql://${user}:${SECRET}@127.0.0.1:${port}/${database}`, 'down', 4)
    const refused = await runLeakChild(readerUrl, 'refused', 2)
    for (const output of [down, refused]) assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(down, /StoreUnavailableError/)
    assert.match(refused, /StoreError/)
  })
})
