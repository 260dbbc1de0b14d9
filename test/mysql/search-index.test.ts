import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { createTestDatabase, dropTestDatabase, queryRows, rootUrl } from './server.js'

let database = ''
before(async () => { database = await createTestDatabase() })
after(() => dropTestDatabase(database))
let n = 0

/** A fresh table prefix in the run's database: its URL and its prefix. */
function fresh(): { url: string; prefix: string } {
  const prefix = `s${n++}_`
  return { url: `${rootUrl(database)}?tablePrefix=${prefix}`, prefix }
}

/** How many messages wait for the index, and how many have their words stored. */
async function counts(prefix: string): Promise<{ pending: number; indexed: number }> {
  const [row] = await queryRows(`SELECT (SELECT count(*) FROM ${prefix}messages_search_pending) AS pending,
    (SELECT count(*) FROM ${prefix}messages_search_words) AS indexed`, [], database)
  return { pending: Number(row?.['pending']), indexed: Number(row?.['indexed']) }
}

const hits = async (db: PraisonAIDB, words: string, limit = 50): Promise<string[]> =>
  (await db.searchMessages({ query: words, limit })).items.map((h) => h.message.content)

describe('MySQL/MariaDB search index off the write path (migration 4)', () => {
  it('a write lists its message as pending; the idle pool copies it to the FULLTEXT table', async () => {
    const { url, prefix } = fresh()
    await using db = new PraisonAIDB(url)
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.aonUserMessage(`idle-${i % 7}`, `platypus number ${i}`)))
    const first = await counts(prefix)
    assert.ok(first.pending > 0, `writes are pending right after they commit (found ${first.pending})`)
    let now = first
    for (let i = 0; i < 200 && now.pending > 0; i++) {
      await sleep(25)
      now = await counts(prefix)
    }
    assert.deepEqual(now, { pending: 0, indexed: 200 }, 'the idle pool indexed every pending message')
  })

  it('two table prefixes in one database each keep their own triggers', async () => {
    const [a, b] = [fresh(), fresh()]
    await using one = new PraisonAIDB(a.url)
    await using two = new PraisonAIDB(b.url)
    await one.aonUserMessage('p', 'kookaburra one')
    await two.aonUserMessage('p', 'kookaburra two')
    assert.deepEqual(await hits(one, 'kookaburra'), ['kookaburra one'])
    assert.deepEqual(await hits(two, 'kookaburra'), ['kookaburra two'])
  })

  it('a search indexes what is pending first, matches any case, and forgets deleted messages', async () => {
    const { url, prefix } = fresh()
    await using db = new PraisonAIDB(url)
    await db.aonUserMessage('fresh', 'The Wombat sleeps')
    await db.aonUserMessage('gone', 'a wombat to delete')
    assert.ok((await counts(prefix)).pending >= 1, 'still pending when the search starts')
    assert.deepEqual((await hits(db, 'WOMBAT')).sort(), ['The Wombat sleeps', 'a wombat to delete'])
    assert.equal(await db.deleteSession('gone'), true)
    await db.aonUserMessage('pending-gone', 'wombat pending then deleted')
    assert.equal(await db.deleteSession('pending-gone'), true)
    assert.deepEqual(await hits(db, 'wombat'), ['The Wombat sleeps'])
    assert.deepEqual(await counts(prefix), { pending: 0, indexed: 1 })
  })
})
