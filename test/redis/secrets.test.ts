import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB, StoreError } from '../../src/index.js'
import { closedPort } from '../support/ports.js'
import { assertHidden, checkForbiddenHidden, checkRefusedConnection, runLeakChild, SECRET, thrown } from '../support/secrets.js'
import { adminClient, deleteKeys } from './admin.js'

const run = `agentdb-secrets-${randomBytes(6).toString('hex')}:`
const user = `agentdb-reader-${randomBytes(4).toString('hex')}`
/** An ACL user that logs in with the password and may run anything but scripts, which every write is. */
const readerUrl = `redis://${user}:${SECRET}@127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(run)}`
const writer = `agentdb-writer-${randomBytes(4).toString('hex')}`
/** An ACL user that logs in with the password and may do anything, scripts included. */
const writerUrl = `redis://${writer}:${SECRET}@127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(run)}`

describe('redis: the password of the URL shows nowhere', () => {
  before(async () => {
    const admin = await adminClient()
    try {
      assert.equal(await admin.call('ACL', 'SETUSER', user, 'on', `>${SECRET}`, '~*', '&*', '+@all', '-evalsha', '-eval'), 'OK')
      assert.equal(await admin.call('ACL', 'SETUSER', writer, 'on', `>${SECRET}`, '~*', '&*', '+@all'), 'OK')
    } finally {
      await admin.quit()
    }
  })

  after(async () => {
    const admin = await adminClient()
    try {
      assert.equal(await admin.call('ACL', 'DELUSER', user, writer), 2)
    } finally {
      await admin.quit()
    }
    await deleteKeys(run)
  })

  it('in a refused connection, async and through the sync bridge', () => checkRefusedConnection((port) => `redis://${user}:${SECRET}@127.0.0.1:${port}/0`))

  it('in a StoreError for a command the server refuses (NOPERM), async and through the sync bridge', async () => {
    using db = new PraisonAIDB(readerUrl, { retryDeadlineMs: 100 })
    assert.deepEqual(await db.getMessages('nothing'), [], 'the user logs in with the password and reads')
    for (const use of [() => db.aonUserMessage('s', 'x'), () => db.onUserMessage('s', 'x')]) {
      const error = await thrown(use)
      assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED', String(error))
      assert.match(error.message, /NOPERM/)
      assertHidden(SECRET, error, db)
    }
  })

  it('in a refused login (a wrong password of the ACL user)', async () => {
    using db = new PraisonAIDB(`redis://${user}:${SECRET}-wrong@127.0.0.1:6379/0`, { retryDeadlineMs: 100 })
    for (const use of [() => db.aonUserMessage('s', 'x'), () => db.onUserMessage('s', 'x')]) {
      const error = await thrown(use)
      assert.ok(error instanceof Error && error.name === 'ConfigError', String(error))
      assertHidden(SECRET, error, db)
    }
  })

  it('in SESSION_FORBIDDEN errors of a user scope, async and through the sync bridge', () => checkForbiddenHidden(writerUrl))

  it('in the output of a process that prints a user scope\'s SESSION_FORBIDDEN errors and crashes on the last', async () => {
    const output = await runLeakChild(writerUrl, 'forbidden', 4)
    assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(output, /SESSION_FORBIDDEN/)
  })

  it('in the output of a process that prints those errors and crashes on the last', async () => {
    const port = await closedPort()
    const down = await runLeakChild(`redis://${user}:${SECRET}@127.0.0.1:${port}/0`, 'down', 4)
    const refused = await runLeakChild(readerUrl, 'refused', 2)
    for (const output of [down, refused]) assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(down, /StoreUnavailableError/)
    assert.match(refused, /StoreError/)
  })
})
