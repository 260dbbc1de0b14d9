import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { dropSchemas, PG_URL as PG, withAdmin } from '../postgres/admin.js'
import { adminClient, deleteKeys } from './admin.js'

const schema = `agentdb_split_${randomBytes(5).toString('hex')}`
const prefix = `agentdb-split-${randomBytes(5).toString('hex')}:`

after(async () => {
  await deleteKeys(prefix)
  await dropSchemas(schema)
})

it('keeps the conversation in PostgreSQL and agent state also in Redis', async () => {
  const target = { conversation: `${PG}?schema=${schema}`, state: `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}` }
  {
    await using db = new PraisonAIDB(target)
    await db.aonAgentStart({ sessionId: 'split', name: 'Planner', agentId: 'p-1', userId: 'u-1' })
    await db.aonUserMessage('split', 'plan my week')
    await db.aonToolCall('split', 'calendar', { week: 48 }, { free: 3 })
    assert.deepEqual((await db.getAgentStates('split')).map((s) => s.status), ['started'])
    using sync = new PraisonAIDB(target)
    sync.onAgentEnd('split', 'Planner', 'p-1')
    assert.deepEqual((await db.getAgentStates('split')).map((s) => s.status), ['ended'])
  }
  await withAdmin(async (admin) => {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".messages`)
    assert.deepEqual(rows, [{ n: 1 }], 'the conversation is in PostgreSQL')
    const states = await admin.query(`SELECT status FROM "${schema}".agent_states`)
    assert.deepEqual(states.rows, [{ status: 'ended' }], 'the conversation store keeps agent state too')
  })
  const redis = await adminClient()
  try {
    const keys = await redis.keys(`${prefix}*`)
    assert.ok(keys.some((k) => k.startsWith(`${prefix}a:`)), 'agent state is in Redis')
    assert.ok(!keys.some((k) => k.startsWith(`${prefix}m:`)), 'messages are not in Redis')
  } finally {
    await redis.quit()
  }
})
