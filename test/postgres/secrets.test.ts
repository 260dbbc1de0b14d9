import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB, StoreError } from '../../src/index.js'
import { closedPort } from '../support/ports.js'
import { assertHidden, checkForbiddenHidden, checkRefusedConnection, runLeakChild, SECRET, thrown } from '../support/secrets.js'
import { dropSchemas, PG_URL, withAdmin } from './admin.js'

const suffix = randomBytes(5).toString('hex')
const schema = `agentdb_secrets_${suffix}`
const role = `agentdb_reader_${suffix}`
/** A role that may read the schema but not write it; the server trusts 127.0.0.1, so the password is carried, never checked. */
const readerUrl = `postgresql://${role}:${SECRET}@127.0.0.1:5432/test?schema=${schema}`

describe('postgres: the password of the URL shows nowhere', () => {
  before(async () => {
    {
      await using owner = new PraisonAIDB(`${PG_URL}?schema=${schema}`)
      await owner.aonUserMessage('seeded', 'hello')
    }
    await withAdmin(async (admin) => {
      await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${SECRET}'`)
      await admin.query(`GRANT USAGE, CREATE ON SCHEMA "${schema}" TO "${role}"`)
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`)
    })
  })

  after(async () => {
    await dropSchemas(schema)
    await withAdmin((admin) => admin.query(`DROP ROLE IF EXISTS "${role}"`))
  })

  it('in a refused connection, async and through the sync bridge', () => checkRefusedConnection((port) => `postgresql://postgres:${SECRET}@127.0.0.1:${port}/test`))

  it('in a StoreError for a statement the server refuses (no INSERT privilege), async and through the sync bridge', async () => {
    using db = new PraisonAIDB(readerUrl, { retryDeadlineMs: 100 })
    assert.deepEqual((await db.getMessages('seeded')).map((m) => m.content), ['hello'], 'the role reads')
    for (const use of [() => db.aonUserMessage('s', 'x'), () => db.onUserMessage('s', 'x')]) {
      const error = await thrown(use)
      assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED', String(error))
      assert.match(String((error.cause as { code?: unknown } | undefined)?.code), /^42501$/, 'the cause is the refusal (insufficient privilege)')
      assertHidden(SECRET, error, db)
    }
  })

  it('in SESSION_FORBIDDEN errors of a user scope, async and through the sync bridge', () => checkForbiddenHidden(`postgresql://postgres:${SECRET}@127.0.0.1:5432/test?schema=${schema}`))

  it('in the output of a process that prints a user scope\'s SESSION_FORBIDDEN errors and crashes on the last', async () => {
    const output = await runLeakChild(`postgresql://postgres:${SECRET}@127.0.0.1:5432/test?schema=${schema}`, 'forbidden', 4)
    assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(output, /SESSION_FORBIDDEN/)
  })

  it('in the output of a process that prints those errors and crashes on the last', async () => {
    const port = await closedPort()
    const down = await runLeakChild(`postgresql://postgres:${SECRET}@127.0.0.1:${port}/test`, 'down', 4)
    const refused = await runLeakChild(readerUrl, 'refused', 2)
    for (const output of [down, refused]) assert.ok(!output.includes(SECRET), `the password leaked into the output:\n${output}`)
    assert.match(down, /StoreUnavailableError/)
    assert.match(refused, /StoreError/)
  })
})
