import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { PraisonAIDB, type Session } from '../../src/index.js'
import { adminClient, deleteKeys } from './admin.js'

const run = `agentdb-test-${randomBytes(6).toString('hex')}:`
let n = 0
const freshPrefix = (): string => `${run}${n++}:`
const open = (prefix: string): PraisonAIDB => new PraisonAIDB(`redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}`)

async function keysUnder(prefix: string): Promise<string[]> {
  const admin = await adminClient()
  try {
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      found.push(...keys.map((k) => k.slice(prefix.length)))
      cursor = next
    } while (cursor !== '0')
    return found.sort()
  } finally {
    await admin.quit()
  }
}

function newestFirst(a: Session, b: Session): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

describe('redis: key layout (docs/redis.md)', () => {
  after(() => deleteKeys(run))

  it('keeps a session in the documented keys and deletes all of them with its index entries', async () => {
    const prefix = freshPrefix()
    await using db = open(prefix)
    for (const s of ['a', 'b']) {
      await db.aonAgentStart({ sessionId: s, name: 'Agent', agentId: 'g', userId: 'u' })
      await db.aonUserMessage(s, 'hi')
      await db.aonToolCall(s, 'tool', {}, 1)
    }
    const perSession = (s: string) => [`a:${s}`, `k:${s}`, `m:${s}`, `s:${s}`, `t:${s}`]
    assert.deepEqual(await keysUnder(prefix), [...perSession('a'), ...perSession('b'), 'g:g', 'l:all', 'u:u', 'ug:1:ug', 'v:layout'].sort())
    assert.equal(await db.deleteSession('a'), true)
    assert.deepEqual(await keysUnder(prefix), [...perSession('b'), 'g:g', 'l:all', 'u:u', 'ug:1:ug', 'v:layout'].sort())
    assert.equal(await db.deleteSession('b'), true)
    assert.deepEqual(await keysUnder(prefix), ['v:layout'], 'empty indexes disappear with their last session')
  })

  it('keeps the first startedAt when an agent ends, and a new start replaces it', async () => {
    await using db = open(freshPrefix())
    await db.aonAgentStart('s', 'Agent', 'id')
    const [started] = await db.getAgentStates('s')
    await new Promise((resolve) => setTimeout(resolve, 5))
    await db.aonAgentEnd('s', 'Agent', 'id')
    const [ended] = await db.getAgentStates('s')
    assert.equal(ended?.status, 'ended')
    assert.equal(ended?.startedAt, started?.startedAt)
    assert.ok(ended?.endedAt !== null && ended !== undefined && ended.endedAt > ended.startedAt)
    assert.ok((await db.getSession('s'))?.endedAt)
    await db.aonAgentStart('s', 'Agent', 'id')
    const [again] = await db.getAgentStates('s')
    assert.ok(again !== undefined && started !== undefined && again.startedAt > started.startedAt)
    assert.equal((await db.getSession('s'))?.endedAt, null)
  })

  it('lists sessions created in the same millisecond by (createdAt, id) descending, a page of one at a time', async () => {
    await using db = open(freshPrefix())
    const ids = Array.from({ length: 40 }, (_, i) => `${String.fromCodePoint(0x61 + (i * 7) % 26)}-${i}-🧠\u0000'`)
    await Promise.all(ids.map((s, i) => db.aonAgentStart({ sessionId: s, name: 'A', agentId: i % 2 === 0 ? 'even' : 'odd', userId: i % 3 === 0 ? 'three' : 'other' })))
    const all = await db.listSessions({ limit: 1000 })
    assert.deepEqual(all.items.map((s) => s.id), [...all.items].sort(newestFirst).map((s) => s.id))
    assert.equal(new Set(all.items.map((s) => s.createdAt)).size < ids.length, true, 'some sessions share a createdAt')
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const page = await db.listSessions({ limit: 1, cursor })
      paged.push(...page.items.map((s) => s.id))
      cursor = page.nextCursor
    } while (cursor !== null)
    assert.deepEqual(paged, all.items.map((s) => s.id))
    const both = await db.listSessions({ userId: 'three', agentId: 'even', limit: 1000 })
    const expected = all.items.filter((s) => s.userId === 'three' && s.agentId === 'even').map((s) => s.id)
    assert.ok(expected.length > 0)
    assert.deepEqual(both.items.map((s) => s.id), expected)
  })

  it('keeps runs, traces and spans in the documented keys (ids with NUL and colons too) and deletes them with the session', async () => {
    const prefix = freshPrefix()
    await using db = open(prefix)
    const [s, other] = ['a:b\u0000', 'c']
    const [trace, span] = ['t:1\u0000', 'sp:\u00002']
    await db.aonRunStart(s, 'r:1', 'prompt')
    await db.aonTraceStart({ sessionId: s, traceId: trace, name: 'turn', userId: 'u' })
    await db.aonSpanStart({ sessionId: s, traceId: trace, spanId: span, name: 'llm' })
    await db.aonSpanEnd({ sessionId: other, traceId: trace, spanId: 'elsewhere', status: 'ok' })
    await db.aonTraceStart({ sessionId: other, traceId: 'mine', name: 'turn', userId: 'u' })
    const n = Buffer.byteLength(s)
    const sessionKeys = (id: string) => [`s:${id}`]
    assert.deepEqual(await keysUnder(prefix), [
      ...sessionKeys(s), ...sessionKeys(other), 'l:all', 'u:u', 'v:layout',
      `r:${n}:${s}r:1`, `rs:${s}`,
      `x:${n}:${s}${trace}`, `xs:${s}`, 'xu:u', 'xl:all', `x:1:${other}mine`, `xs:${other}`,
      `p:${n}:${Buffer.byteLength(trace)}:${s}${trace}${span}`, `ps:${n}:${s}${trace}`, `pt:${s}`,
      `p:1:${Buffer.byteLength(trace)}:${other}${trace}elsewhere`, `ps:1:${other}${trace}`, `pt:${other}`,
    ].sort())
    const [read] = await db.getTraces({ sessionId: s })
    assert.deepEqual([read?.id, read?.spans.map((x) => x.id)], [trace, [span]])
    assert.equal(await db.deleteSession(s), true)
    assert.deepEqual(await keysUnder(prefix), [
      ...sessionKeys(other), 'l:all', 'u:u', 'v:layout', `x:1:${other}mine`, `xs:${other}`, 'xu:u', 'xl:all',
      `p:1:${Buffer.byteLength(trace)}:${other}${trace}elsewhere`, `ps:1:${other}${trace}`, `pt:${other}`,
    ].sort())
    assert.equal(await db.deleteSession(other), true)
    assert.deepEqual(await keysUnder(prefix), ['v:layout'], 'every run, trace and span key and index is gone')
  })

  it('reads a message and a tool call written before toolCalls and toolCallId existed as null (layout 1 stays readable)', async () => {
    const prefix = freshPrefix()
    await using db = open(prefix)
    await db.aonUserMessage('old', 'before')
    const admin = await adminClient()
    try {
      // the members as the previous release wrote them: no toolCalls, no toolCallId
      await admin.zadd(`${prefix}m:old`, 2, JSON.stringify({ seq: 2, id: 'm-old', sessionId: 'old', role: 'assistant', content: 'old answer', metadata: {}, createdAt: '2025-01-01T00:00:00.000Z', runId: null }))
      await admin.zadd(`${prefix}t:old`, 3, JSON.stringify({ seq: 3, id: 't-old', sessionId: 'old', toolName: 'calc', arguments: {}, result: 1, error: null, durationMs: null, metadata: {}, createdAt: '2025-01-01T00:00:00.000Z', runId: null }))
      await admin.hset(`${prefix}s:old`, 'lastSeq', 3)
    } finally {
      await admin.quit()
    }
    assert.deepEqual((await db.getMessages('old')).map((m) => [m.content, m.toolCalls]), [['before', null], ['old answer', null]])
    assert.deepEqual((await db.getTimeline('old')).map((i) => (i.kind === 'toolCall' ? i.toolCall.toolCallId : i.message.toolCalls)), [null, null, null])
    assert.equal((await db.getToolCalls('old'))[0]?.toolCallId, null)
    assert.equal((await db.storeInfo()).schemaVersion, 1)
  })

  it('sends a script again when the server has dropped its cache (NOSCRIPT)', async () => {
    await using db = open(freshPrefix())
    await db.aonUserMessage('s', 'one')
    const admin = await adminClient()
    await admin.script('FLUSH')
    await admin.quit()
    await db.aonUserMessage('s', 'two')
    assert.equal(await db.deleteSession('s'), true)
    assert.deepEqual(await db.getMessages('s'), [])
  })
})
