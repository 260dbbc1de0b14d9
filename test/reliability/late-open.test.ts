// Found in issue 9: an open whose attempt timed out (a migration waiting for another process's
// lock, a slow server) went on and opened the store later, and nobody closed it: its pool kept
// connections to the server, and the process from exiting. Now the runtime closes such a store.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { PraisonAIDB, StoreUnavailableError } from '../../src/index.js'
import { PG_URL, dropSchemas, withAdmin } from '../postgres/admin.js'

/** agentdb's advisory lock class ("agdb"); the migration's second key is hashtext(schema). */
const LOCK_CLASS = 0x61676462

async function connectionsNamed(name: string): Promise<number> {
  return withAdmin(async (client) => Number((await client.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0].n))
}

describe('an open that finishes after its attempt timed out', () => {
  const schema = `late_open_${process.pid}_${Date.now()}`
  after(() => dropSchemas(schema))

  it('is closed: no connection of it stays open', async () => {
    const name = `agentdb-late-open-${process.pid}`
    const holder = new pg.Client({ connectionString: PG_URL })
    await holder.connect()
    let held = true
    try {
      // another process migrating the same schema: the open waits for this lock
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema])
      const db = new PraisonAIDB(`${PG_URL}?schema=${schema}&applicationName=${name}`, { retryDeadlineMs: 0 })
      try {
        await assert.rejects(db.aonUserMessage('s', 'x'), (e: unknown) => e instanceof StoreUnavailableError && e.code === 'TIMEOUT')
        assert.ok(await connectionsNamed(name) >= 1, 'the open is still waiting on the server')
        await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema])
        held = false
        // the open finishes now, after its caller was told it timed out
        let left = -1
        for (let i = 0; i < 50 && left !== 0; i++) {
          await sleep(100)
          left = await connectionsNamed(name)
        }
        assert.equal(left, 0, 'the late store was closed')
      } finally {
        await db.aclose()
      }
    } finally {
      if (held) await holder.query('SELECT pg_advisory_unlock_all()').catch(() => undefined)
      await holder.end()
    }
  })
})
