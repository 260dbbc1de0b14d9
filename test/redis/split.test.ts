import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, it } from 'node:test'
import pg from 'pg'
import { PraisonAIDB } from '../../src/index.js'
import { adminClient, deleteKeys } from './admin.js'

const PG = 'postgresql://postgres@127.0.0.1:5432/test'
const schema = `agentdb_split_${randomBytes(5).toString('hex')}`
const prefix = `agentdb-split-${randomBytes(5).toString('hex')}:`

after(async () => {
  await deleteKeys(prefix)
  const admin = new pg.Client({ connectionString: PG })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
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
  const admin = new pg.Client({ connectionString: PG })
  await admin.connect()
  try {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".messages`)
    assert.deepEqual(rows, [{ n: 1 }], 'the conversation is in PostgreSQL')
    const states = await admin.query(`SELECT status FROM "${schema}".agent_states`)
    assert.deepEqual(states.rows, [{ status: 'ended' }], 'the conversation store keeps agent state too')
  } finally {
    await admin.end()
  }
  const redis = await adminClient()
  try {
    const keys = await redis.keys(`${prefix}*`)
    assert.ok(keys.some((k) => k.startsWith(`${prefix}a:`)), 'agent state is in Redis')
    assert.ok(!keys.some((k) => k.startsWith(`${prefix}m:`)), 'messages are not in Redis')
  } finally {
    await redis.quit()
  }
})
