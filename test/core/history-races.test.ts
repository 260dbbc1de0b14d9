import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { PraisonAIDB, StoreError } from '../../src/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'

// Edits and compare-and-sets from two PraisonAIDB instances on one database: two connections
// (two pools, or two SQLite connections), so the database's own locking decides, not one
// process's group commit.

const run = randomBytes(5).toString('hex')
const dir = mkdtempSync(join(tmpdir(), 'agentdb-races-'))
const mysqlDatabase = await createTestDatabase()
const pgSchema = `agentdb_races_${run}`
const redisPrefix = `agentdb-races-${run}:`

after(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropTestDatabase(mysqlDatabase)
  await dropSchemas(pgSchema)
  await deleteKeys(redisPrefix)
})

const TARGETS: readonly [string, string][] = [
  ['sqlite file', `sqlite:///${join(dir, 'races.db')}`],
  ['postgres', `${PG_URL}?schema=${pgSchema}`],
  ['mysql (MariaDB)', `${rootUrl(mysqlDatabase)}?tablePrefix=races_`],
  ['redis', `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(redisPrefix)}`],
]

const isConflict = (reason: unknown): boolean => reason instanceof StoreError && reason.code === 'HISTORY_CONFLICT'

for (const [name, url] of TARGETS) {
  describe(`history edits and session keys across connections: ${name}`, () => {
    const dbs = [new PraisonAIDB(url), new PraisonAIDB(url)]
    after(async () => { for (const db of dbs) await db.aclose() })

    it('lets exactly one of many edits expecting the same last seq win', async () => {
      const s = `edit-race-${randomBytes(4).toString('hex')}`
      await dbs[0]!.aonUserMessage(s, 'question')
      const edits = Array.from({ length: 8 }, (_, i) => dbs[i % 2]!.editHistory(s, { afterSeq: 1, expectLastSeq: 1, append: [{ kind: 'message', role: 'assistant', content: `answer ${i}` }] }))
      const settled = await Promise.allSettled(edits)
      const won = settled.filter((r) => r.status === 'fulfilled')
      assert.equal(won.length, 1, 'one edit wins')
      assert.ok(settled.every((r) => r.status === 'fulfilled' || isConflict(r.reason)), 'the others are refused as conflicts')
      const timeline = await dbs[1]!.getTimeline(s)
      assert.equal(timeline.length, 2)
      assert.deepEqual(timeline[1]?.seq, won[0]?.status === 'fulfilled' ? won[0].value.seqs[0] : undefined)
    })

    it('lets exactly one of many compare-and-sets win, on an existing session and on a new one', async () => {
      for (const existing of [true, false]) {
        const s = `key-race-${existing ? 'old' : 'new'}-${randomBytes(4).toString('hex')}`
        if (existing) await dbs[0]!.aonUserMessage(s, 'chat')
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => dbs[i % 2]!.setSessionKey(s, 'activeStream', `stream-${i}`, { expect: null })))
        assert.equal(claims.filter(Boolean).length, 1, `one claim wins (${existing ? 'existing' : 'new'} session)`)
        assert.equal(await dbs[1]!.getSessionKey(s, 'activeStream'), `stream-${claims.indexOf(true)}`)
        const winner = `stream-${claims.indexOf(true)}`
        const clears = await Promise.all(Array.from({ length: 6 }, (_, i) => dbs[i % 2]!.setSessionKey(s, 'activeStream', null, { expect: winner })))
        assert.equal(clears.filter(Boolean).length, 1, 'one compare-and-clear wins')
        assert.equal(await dbs[0]!.getSessionKey(s, 'activeStream'), null)
      }
    })
  })
}
