import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { dropSchemas, PG_URL, withAdmin } from './admin.js'

const schemas: string[] = []
after(() => dropSchemas(...schemas))

function fresh(): { url: string; schema: string } {
  const schema = `agentdb_search_${randomBytes(5).toString('hex')}`
  schemas.push(schema)
  return { url: `${PG_URL}?schema=${schema}`, schema }
}

/** How many messages wait for the index, and how many have their words stored. */
const counts = (schema: string): Promise<{ pending: number; indexed: number }> => withAdmin(async (client) => {
  const { rows } = await client.query(`SELECT (SELECT count(*) FROM "${schema}".messages_search_pending)::int AS pending,
    (SELECT count(*) FROM "${schema}".messages_search_words)::int AS indexed`)
  return rows[0] as { pending: number; indexed: number }
})

const hits = async (db: PraisonAIDB, words: string, limit = 50): Promise<string[]> =>
  (await db.searchMessages({ query: words, limit })).items.map((h) => h.message.content)

describe('PostgreSQL search index off the write path (migration 4)', () => {
  it('a write lists its message as pending; the idle pool stores its words', async () => {
    const { url, schema } = fresh()
    await using db = new PraisonAIDB(url)
    await Promise.all(Array.from({ length: 300 }, (_, i) => db.aonUserMessage(`idle-${i % 7}`, `platypus number ${i}`)))
    const before = await counts(schema)
    assert.ok(before.pending > 0, `writes are pending right after they commit (found ${before.pending})`)
    let now = before
    for (let i = 0; i < 200 && now.pending > 0; i++) {
      await sleep(25)
      now = await counts(schema)
    }
    assert.deepEqual(now, { pending: 0, indexed: 300 }, 'the idle pool indexed every pending message')
  })

  it('a search indexes what is pending first; deleted messages leave the index with them', async () => {
    const { url, schema } = fresh()
    await using db = new PraisonAIDB(url)
    await db.aonUserMessage('fresh', 'the wombat sleeps')
    await db.aonUserMessage('gone', 'a wombat to delete')
    assert.ok((await counts(schema)).pending >= 1, 'still pending when the search starts')
    assert.deepEqual((await hits(db, 'wombat')).sort(), ['a wombat to delete', 'the wombat sleeps'])
    assert.equal(await db.deleteSession('gone'), true)
    await db.aonUserMessage('pending-gone', 'wombat pending then deleted')
    assert.equal(await db.deleteSession('pending-gone'), true)
    assert.deepEqual(await hits(db, 'wombat'), ['the wombat sleeps'])
    assert.deepEqual(await counts(schema), { pending: 0, indexed: 1 })
  })

  it('two pools writing, searching and deleting at once: every search sees every resolved write', async () => {
    const { url, schema } = fresh()
    await using a = new PraisonAIDB(url)
    await using b = new PraisonAIDB(url)
    for (let round = 0; round < 5; round++) {
      const writes: Promise<void>[] = []
      for (let i = 0; i < 40; i++) writes.push((i % 2 === 0 ? a : b).aonUserMessage(`r${round}-${i % 4}`, `numbat round${round} item${i}`))
      await Promise.all(writes)
      const deleting = a.deleteSession(`r${round}-3`)
      const [fromA, fromB] = await Promise.all([hits(a, `numbat round${round}`, 200), hits(b, `numbat round${round}`, 200)])
      await deleting
      // the delete of session 3 races the searches: each sees sessions 0-2 whole, 3 whole or not at all
      for (const found of [fromA, fromB]) assert.ok(found.length === 30 || found.length === 40, `found ${found.length}`)
      assert.equal((await hits(b, `numbat round${round}`, 200)).length, 30)
    }
    assert.equal((await counts(schema)).pending, 0)
  })
})
