import assert from 'node:assert/strict'
import {
  ConfigError, PraisonAIDB, ValidationError, type Capabilities, type Message, type TimelineItem,
} from '../index.js'
import { expectError, uid } from './helpers.js'
import { historyConformance } from './history-conformance.js'
import { operationConformance } from './operations-conformance.js'
import { recordConformance } from './records-conformance.js'
import { scopeConformance } from './scopes-conformance.js'

/** The test functions of your runner: `node:test`'s, or vitest's, or mocha's. */
export interface TestApi {
  readonly describe: (name: string, fn: () => void) => unknown
  readonly it: (name: string, fn: () => Promise<void> | void) => unknown
  readonly after?: (fn: () => Promise<void> | void) => unknown
}

interface TargetBase {
  /** Shown in test names. */
  readonly name: string
  /** What the store can do; each `false` is tested to fail with a typed error instead. */
  readonly capabilities: Capabilities
  /** Runs once after all tests: drop the schema, delete the file. */
  destroy?(): Promise<void> | void
}

/**
 * A store under test: either a URL per fresh storage (`reopen` is then a second `PraisonAIDB`
 * on the same URL), or your own `create` (and `reopen`, for persistent stores).
 */
export type ConformanceTarget = TargetBase & (
  | {
    /** A URL of empty storage no other test uses (a new file, schema, table or key prefix). */
    url(): string
  }
  | {
    /** A new `PraisonAIDB` on empty storage (or storage no other test uses). */
    create(): PraisonAIDB | Promise<PraisonAIDB>
    /** Persistent stores: a second `PraisonAIDB` on the same storage as `db`. */
    reopen?(db: PraisonAIDB): PraisonAIDB | Promise<PraisonAIDB>
  })

/** The `create`/`reopen` pair of a target (for a target given by URL: a `PraisonAIDB` on it). */
export function openers(target: ConformanceTarget): { create(): PraisonAIDB | Promise<PraisonAIDB>; reopen?(db: PraisonAIDB): PraisonAIDB | Promise<PraisonAIDB> } {
  if (!('url' in target)) return target
  const urls = new WeakMap<PraisonAIDB, string>()
  const open = (url: string): PraisonAIDB => {
    const db = new PraisonAIDB(url)
    urls.set(db, url)
    return db
  }
  return { create: () => open(target.url()), reopen: (db) => open(urls.get(db)!) }
}

const NASTY = [
  'plain', '', 'héllo wörld ✓', 'emoji 🧠🤖👩🏽‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'nul \u0000 in the middle\u0000', "quotes ' \" ` and \\ backslashes \\\\",
  "'); DROP TABLE messages; --", 'Robert"); DELETE FROM sessions WHERE ("1"="1', '*3\r\n$3\r\nDEL\r\n$1\r\nx\r\n', 'lines\nand\ttabs\r\n',
  '{"looks":"like json"}', 'null', '%s %d ${x} $1 ?', '\u2028\u2029\ufeff\u200b', '中文 العربية עברית',
]

const NESTED = {
  user_id: 'user_456', n: 42, f: -1.5e-7, t: true, nil: null, list: [1, 'two', [3, { four: 4 }], null],
  deep: { a: { b: { c: { d: ['🦊', '\u0000', "'quote'"] } } } }, empty: {}, emptyList: [],
  'key with spaces & "quotes"': 'v', '🔑': 'emoji key',
}

function kinds(timeline: readonly TimelineItem[]): string {
  return timeline.map((i) => (i.kind === 'message' ? i.message.role : `tool:${i.toolCall.toolName}`)).join(',')
}

function assertIncreasingSeq(items: readonly { readonly seq: number }[]): void {
  for (let i = 1; i < items.length; i++) assert.ok(items[i]!.seq > items[i - 1]!.seq, `seq must increase: ${items[i - 1]!.seq} then ${items[i]!.seq}`)
}

/**
 * The conformance suite every store passes, unchanged. Run it against your own store:
 *
 * ```ts
 * import { describe, it, after } from 'node:test'
 * storeConformance({ name: 'mine', capabilities: { syncSurface: true, reads: true, persistent: true },
 *   create: () => new PraisonAIDB(new MyStore()) }, { describe, it, after })
 * // or, for a backend reached by URL: { name, capabilities, url: () => `sqlite:///${freshFile()}` }
 * ```
 */
export function storeConformance(target: ConformanceTarget, api: TestApi): void {
  const { describe, it } = api
  const caps = target.capabilities
  const opened: PraisonAIDB[] = []
  const { create, reopen } = openers(target)
  const fresh = async (): Promise<PraisonAIDB> => {
    const db = await create()
    opened.push(db)
    return db
  }

  describe(`store conformance: ${target.name}`, () => {
    api.after?.(async () => {
      for (const db of opened) await db.aclose()
      await target.destroy?.()
    })

    it('declares the capabilities it is tested for', async () => {
      const db = await fresh()
      // userScopes defaults to true: a store that says nothing of it has scopes
      assert.deepEqual({ userScopes: true, ...db.capabilities }, { userScopes: true, ...caps })
    })

    it('reports what it runs with (storeInfo), read back from the store', async () => {
      const db = await fresh()
      const info = await db.storeInfo()
      assert.equal(typeof info.backend, 'string')
      assert.ok(info.schemaVersion === null || (Number.isSafeInteger(info.schemaVersion) && info.schemaVersion >= 1), `schemaVersion ${String(info.schemaVersion)}`)
      if (caps.syncSurface) assert.deepEqual(db.storeInfoSync().schemaVersion, info.schemaVersion)
    })

    it('persists the complete async lifecycle in call order', async () => {
      const db = await fresh()
      const s = uid('life')
      assert.deepEqual(await db.aonAgentStart(s, 'DataAgent', 'agent_123'), [])
      await db.aonUserMessage(s, 'Analyze this data', { timestamp: '2024-01-01T10:00:00Z' })
      await db.aonToolCall(s, 'data_analyzer', { file: 'data.csv' }, { rows: 1000, columns: 5 })
      await db.aonAgentMessage(s, 'Analysis complete: 1000 rows, 5 columns found.')
      await db.aonAgentEnd(s, 'DataAgent', 'agent_123')
      if (!caps.reads) return
      const timeline = await db.getTimeline(s)
      assert.equal(kinds(timeline), 'user,tool:data_analyzer,assistant')
      assert.deepEqual(timeline.map((i) => i.seq), [1, 2, 3])
      const [user, tool, agent] = timeline
      assert.ok(user?.kind === 'message' && tool?.kind === 'toolCall' && agent?.kind === 'message')
      assert.equal(user.message.content, 'Analyze this data')
      assert.deepEqual(user.message.metadata, { timestamp: '2024-01-01T10:00:00Z' })
      assert.equal(user.message.sessionId, s)
      assert.match(user.message.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      assert.deepEqual(tool.toolCall.arguments, { file: 'data.csv' })
      assert.deepEqual(tool.toolCall.result, { rows: 1000, columns: 5 })
      assert.equal(agent.message.role, 'assistant')
      const session = await db.getSession(s)
      assert.ok(session)
      assert.equal(session.name, 'DataAgent')
      assert.equal(session.agentId, 'agent_123')
      assert.ok(session.endedAt !== null && !Number.isNaN(Date.parse(session.endedAt)))
      assert.ok(session.createdAt.endsWith('Z') && session.createdAt <= session.updatedAt)
      const [state, ...others] = await db.getAgentStates(s)
      assert.equal(others.length, 0)
      assert.equal(state?.status, 'ended')
      assert.equal(state?.agentId, 'agent_123')
      assert.ok(state !== undefined && state.endedAt !== null && state.startedAt <= state.endedAt)
    })

    it('writes a session that no agent started (the quick start)', async () => {
      const db = await fresh()
      const s = uid('quick')
      await db.aonUserMessage(s, 'Hello, how can you help me?', { user_id: 'user_456' })
      await db.aonAgentMessage(s, 'I can help with various tasks.', { agent_name: 'assistant' })
      if (!caps.reads) return
      const messages = await db.getMessages(s)
      assert.deepEqual(messages.map((m) => [m.role, m.content, m.seq]), [['user', 'Hello, how can you help me?', 1], ['assistant', 'I can help with various tasks.', 2]])
      const session = await db.getSession(s)
      assert.equal(session?.id, s)
      assert.equal(session?.endedAt, null)
      // metadata naming the user makes the session the user's (issue 8)
      assert.equal(session?.userId, 'user_456')
      const listed = await db.listSessions({ userId: 'user_456' })
      assert.ok(listed.items.some((item) => item.id === s), 'listSessions({ userId }) finds the quick start\'s session')
    })

    it('takes every hook in object form with the seed\'s parameter names', async () => {
      const db = await fresh()
      const s = uid('objects')
      await db.aonAgentStart({ sessionId: s, name: 'Assistant', agentId: 'a-1', userId: 'user-obj', metadata: { session_type: 'chat' } })
      await db.aonUserMessage({ sessionId: s, content: 'hi', metadata: { user_id: 'user-obj' } })
      await db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: 'x' }, result: ['r'], metadata: { ms: 3 } })
      await db.aonAgentMessage({ sessionId: s, content: 'hello' })
      await db.aonAgentEnd({ sessionId: s, name: 'Assistant', agentId: 'a-1' })
      if (!caps.reads) return
      assert.equal(kinds(await db.getTimeline(s)), 'user,tool:search,assistant')
      const session = await db.getSession(s)
      assert.equal(session?.userId, 'user-obj')
      const byUser = await db.listSessions({ userId: 'user-obj' })
      assert.deepEqual(byUser.items.map((x) => x.id), [s])
      const [call] = await db.getToolCalls(s)
      assert.deepEqual([call?.toolName, call?.arguments, call?.result, call?.metadata], ['search', { q: 'x' }, ['r'], { ms: 3 }])
    })

    it('resumes: aonAgentStart resolves to the prior messages in order', async () => {
      const db = await fresh()
      const s = uid('resume')
      await db.aonAgentStart(s, 'Assistant')
      for (let i = 0; i < 5; i++) {
        await db.aonUserMessage(s, `question ${i}`)
        await db.aonAgentMessage(s, `answer ${i}`)
      }
      await db.aonAgentEnd(s, 'Assistant')
      if (!caps.reads) return
      const again = reopen && caps.persistent ? await reopen(db) : db
      if (again !== db) opened.push(again)
      const prior = await again.aonAgentStart(s, 'Assistant')
      assert.deepEqual(prior.map((m) => m.content), Array.from({ length: 5 }, (_, i) => [`question ${i}`, `answer ${i}`]).flat())
      assert.deepEqual(prior.map((m) => m.role).slice(0, 2), ['user', 'assistant'])
      assertIncreasingSeq(prior)
      assert.equal((await again.getSession(s))?.endedAt, null, 'a new start clears endedAt')
    })

    it('is idempotent on a repeated start', async () => {
      const db = await fresh()
      const s = uid('idem')
      await db.aonAgentStart(s, 'Agent', 'id-1', { n: 1 })
      await db.aonAgentStart(s, 'Agent', 'id-1', { n: 1 })
      await Promise.all([db.aonAgentStart(s, 'Agent', 'id-1'), db.aonAgentStart(s, 'Agent', 'id-1')])
      if (!caps.reads) return
      const states = await db.getAgentStates(s)
      assert.equal(states.length, 1)
      assert.equal(states[0]?.status, 'started')
      assert.deepEqual(await db.getMessages(s), [])
      const page = await db.listSessions({ agentId: 'id-1', limit: 1000 })
      assert.equal(page.items.filter((x) => x.id === s).length, 1)
    })

    it('takes a caller\'s record id as an idempotency key: a retried hook adds nothing, the first write stands', async () => {
      const db = await fresh()
      const s = uid('retry')
      const messageId = uid('msg-id')
      const toolId = uid('tool-id')
      await db.aonUserMessage({ sessionId: s, content: 'first', id: messageId })
      await db.aonUserMessage({ sessionId: s, content: 'retried', id: messageId })
      await Promise.all([
        db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: 1 }, id: toolId }),
        db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: 2 }, id: toolId }),
      ])
      await db.aonAgentMessage(s, 'after')
      if (caps.syncSurface) db.onUserMessage({ sessionId: s, content: 'sync retry', id: messageId })
      await assert.rejects(db.aonUserMessage({ sessionId: s, content: 'x', id: '' }), (e: unknown) => e instanceof ValidationError)
      if (!caps.reads) return
      const timeline = await db.getTimeline(s)
      assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? i.message.content : JSON.stringify(i.toolCall.arguments))), ['first', '{"q":1}', 'after'])
      const [first] = timeline
      assert.ok(first?.kind === 'message' && first.message.id === messageId, 'the caller\'s id is the record\'s id')
      assertIncreasingSeq(timeline)
    })

    it('interleaves tool calls and messages by one per-session seq', async () => {
      const db = await fresh()
      const s = uid('mix')
      const expected: string[] = []
      for (let i = 0; i < 12; i++) {
        if (i % 3 === 1) {
          await db.aonToolCall(s, `tool${i}`, { i }, i)
          expected.push(`tool:tool${i}`)
        } else {
          await (i % 2 === 0 ? db.aonUserMessage(s, `m${i}`) : db.aonAgentMessage(s, `m${i}`))
          expected.push(i % 2 === 0 ? 'user' : 'assistant')
        }
      }
      if (!caps.reads) return
      const timeline = await db.getTimeline(s)
      assert.equal(kinds(timeline), expected.join(','))
      assert.deepEqual(timeline.map((x) => x.seq), Array.from({ length: 12 }, (_, i) => i + 1))
      const last4 = await db.getTimeline(s, { limit: 4 })
      assert.deepEqual(last4.map((x) => x.seq), [9, 10, 11, 12])
      assert.deepEqual((await db.getToolCalls(s)).map((t) => t.seq), [2, 5, 8, 11])
    })

    it('round-trips unicode, emoji, NUL, quotes, injection strings and nested JSON verbatim', async () => {
      const db = await fresh()
      const s = uid('nasty \u0000 \'"; DROP TABLE sessions; -- 🧠')
      for (const text of NASTY) await db.aonUserMessage(s, text, { text, nested: NESTED })
      await db.aonToolCall(s, "tool'; DROP TABLE tool_calls; --", { args: NESTED, text: NASTY }, { result: NESTED, list: NASTY }, { m: '\u0000' })
      for (const result of ['a string', 0, -3.25, true, null, [1, [2]], { deep: NESTED }]) await db.aonToolCall(s, 'r', {}, result)
      await db.aonAgentStart({ sessionId: s, name: "Agent'\u0000\"", agentId: 'id\u0000🧠', userId: "u' OR 1=1 --", metadata: NESTED })
      if (!caps.reads) return
      const messages = await db.getMessages(s)
      assert.deepEqual(messages.map((m) => m.content), NASTY)
      for (const m of messages) assert.deepEqual(m.metadata, { text: m.content, nested: NESTED })
      const calls = await db.getToolCalls(s)
      assert.equal(calls[0]?.toolName, "tool'; DROP TABLE tool_calls; --")
      assert.deepEqual(calls[0]?.arguments, { args: NESTED, text: NASTY })
      assert.deepEqual(calls[0]?.result, { result: NESTED, list: NASTY })
      assert.deepEqual(calls[0]?.metadata, { m: '\u0000' })
      assert.deepEqual(calls.slice(1).map((c) => c.result), ['a string', 0, -3.25, true, null, [1, [2]], { deep: NESTED }])
      const session = await db.getSession(s)
      assert.equal(session?.id, s)
      assert.equal(session?.name, "Agent'\u0000\"")
      assert.equal(session?.userId, "u' OR 1=1 --")
      const [state] = await db.getAgentStates(s)
      assert.deepEqual(state?.metadata, NESTED)
      assert.equal(state?.agentId, 'id\u0000🧠')
    })

    it('round-trips a 1 MB message', async () => {
      const db = await fresh()
      const s = uid('big')
      const big = 'x🧠\u0000'.repeat(256 * 1024)
      await db.aonAgentMessage(s, big, { size: big.length })
      if (!caps.reads) return
      const [m] = await db.getMessages(s)
      assert.equal(m?.content.length, big.length)
      assert.ok(m?.content === big)
    })

    it('keeps every message and per-session order with 100 sessions x 50 messages appended concurrently', async () => {
      const db = await fresh()
      const run = uid('conc')
      const sessions = Array.from({ length: 100 }, (_, i) => `${run}-${i}`)
      await Promise.all(sessions.map(async (s) => {
        for (let i = 0; i < 50; i++) await (i % 2 === 0 ? db.aonUserMessage(s, `${i}`, { i }) : db.aonAgentMessage(s, `${i}`, { i }))
      }))
      if (!caps.reads) return
      for (const s of sessions) {
        const messages = await db.getMessages(s)
        assert.deepEqual(messages.map((m) => m.content), Array.from({ length: 50 }, (_, i) => `${i}`), `session ${s}`)
        assert.deepEqual(messages.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 1))
      }
      assert.equal(new Set((await Promise.all(sessions.map((s) => db.getMessages(s)))).flat().map((m) => m.id)).size, 5000)
    })

    it('keeps order for hooks fired without awaiting each one', async () => {
      const db = await fresh()
      const s = uid('fire')
      const writes: Promise<void>[] = []
      for (let i = 0; i < 200; i++) writes.push(i % 5 === 4 ? db.aonToolCall(s, 't', { i }) : db.aonUserMessage(s, `${i}`))
      await Promise.all(writes)
      if (!caps.reads) return
      const timeline = await db.getTimeline(s)
      assert.deepEqual(timeline.map((x) => (x.kind === 'message' ? Number(x.message.content) : (x.toolCall.arguments['i'] as number))), Array.from({ length: 200 }, (_, i) => i))
    })

    it('reads ranges of history: last N, beforeSeq, afterSeq', async () => {
      const db = await fresh()
      const s = uid('range')
      for (let i = 1; i <= 20; i++) await db.aonUserMessage(s, `${i}`)
      if (!caps.reads) return
      const contents = (messages: readonly Message[]) => messages.map((m) => Number(m.content))
      assert.deepEqual(contents(await db.getMessages(s, { limit: 3 })), [18, 19, 20])
      assert.deepEqual(contents(await db.getMessages(s, { beforeSeq: 4 })), [1, 2, 3])
      assert.deepEqual(contents(await db.getMessages(s, { afterSeq: 17 })), [18, 19, 20])
      assert.deepEqual(contents(await db.getMessages(s, { afterSeq: 5, beforeSeq: 11, limit: 2 })), [9, 10])
      assert.deepEqual(contents(await db.getMessages(s, { limit: 100 })).length, 20)
    })

    it('gives null and empty arrays for a session that does not exist', async () => {
      const db = await fresh()
      if (!caps.reads) {
        await expectError(() => db.getMessages('nope'), ConfigError, 'CAPABILITY_MISSING')
        return
      }
      const s = uid('missing')
      assert.equal(await db.getSession(s), null)
      assert.deepEqual(await db.getMessages(s), [])
      assert.deepEqual(await db.getToolCalls(s), [])
      assert.deepEqual(await db.getTimeline(s), [])
      assert.deepEqual(await db.getAgentStates(s), [])
      assert.equal(await db.deleteSession(s), false)
    })

    it('lists sessions newest first, filtered, a page at a time', async () => {
      const db = await fresh()
      if (!caps.reads) return
      const agentId = uid('lister')
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        const s = uid(`list${i}`)
        ids.push(s)
        await db.aonAgentStart({ sessionId: s, name: 'Lister', agentId, userId: i % 2 === 0 ? `${agentId}-even` : `${agentId}-odd` })
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      const seen: string[] = []
      let cursor: string | null = null
      for (let page = 0; page < 10; page++) {
        const result = await db.listSessions({ agentId, limit: 3, cursor })
        assert.ok(result.items.length <= 3)
        seen.push(...result.items.map((x) => x.id))
        cursor = result.nextCursor
        if (cursor === null) break
      }
      assert.deepEqual(seen, [...ids].reverse())
      const even = await db.listSessions({ userId: `${agentId}-even` })
      assert.deepEqual(even.items.map((x) => x.id), [ids[6], ids[4], ids[2], ids[0]])
      assert.equal(even.nextCursor, null)
      await expectError(() => db.listSessions({ cursor: 'not a cursor' }), ValidationError, 'FIELD_INVALID')
      await expectError(() => db.listSessions({ limit: 0 }), ValidationError, 'FIELD_INVALID')
    })

    it('deletes a session with everything in it and nothing else', async () => {
      const db = await fresh()
      const [a, b] = [uid('del-a'), uid('del-b')]
      for (const s of [a, b]) {
        await db.aonAgentStart(s, 'Agent')
        await db.aonUserMessage(s, 'hello')
        await db.aonToolCall(s, 'tool', { x: 1 }, 'ok')
      }
      if (!caps.reads) return
      assert.equal(await db.deleteSession(a), true)
      assert.equal(await db.getSession(a), null)
      assert.deepEqual(await db.getTimeline(a), [])
      assert.deepEqual(await db.getAgentStates(a), [])
      assert.equal(await db.deleteSession(a), false)
      assert.equal((await db.getTimeline(b)).length, 2)
      await db.aonUserMessage(a, 'again')
      assert.deepEqual((await db.getMessages(a)).map((m) => [m.content, m.seq]), [['again', 1]])
    })

    it('closes idempotently, re-opens on the next hook, and works with await using', async () => {
      const db = await fresh()
      const s = uid('reopen')
      await db.aonUserMessage(s, 'before')
      await Promise.all([db.aclose(), db.aclose()])
      await db.aclose()
      await db.aonUserMessage(s, 'after')
      if (caps.reads) assert.deepEqual((await db.getMessages(s)).map((m) => m.content), caps.persistent ? ['before', 'after'] : (await db.getMessages(s)).map((m) => m.content))
      {
        await using scoped = await fresh()
        await scoped.aonUserMessage(s, 'scoped')
      }
      if (caps.persistent && reopen && caps.reads) {
        const second = await reopen(db)
        opened.push(second)
        assert.deepEqual((await second.getMessages(s)).map((m) => m.content), ['before', 'after'])
        await second.aclose()
      }
      db.close()
      db.close()
    })

    it('rejects invalid input with a typed error before anything is written', async () => {
      const db = await fresh()
      const s = uid('invalid')
      const cycle: Record<string, unknown> = { a: 1 }
      cycle['self'] = cycle
      const cases: [string, () => Promise<unknown>, string][] = [
        ['empty session id', () => db.aonUserMessage('', 'x'), 'SESSION_ID_INVALID'],
        ['non-string session id', () => db.aonUserMessage(42 as unknown as string, 'x'), 'SESSION_ID_INVALID'],
        ['over-long session id', () => db.aonUserMessage('s'.repeat(256), 'x'), 'SESSION_ID_INVALID'],
        ['non-string content', () => db.aonUserMessage(s, { text: 'x' } as unknown as string), 'CONTENT_INVALID'],
        ['undefined content', () => db.aonAgentMessage(s, undefined as unknown as string), 'CONTENT_INVALID'],
        ['lone surrogate', () => db.aonUserMessage(s, 'bad \ud800 half'), 'CONTENT_INVALID'],
        ['BigInt metadata', () => db.aonUserMessage(s, 'x', { n: 10n }), 'JSON_UNFAITHFUL'],
        ['cyclic metadata', () => db.aonUserMessage(s, 'x', cycle), 'JSON_UNFAITHFUL'],
        ['function metadata', () => db.aonUserMessage(s, 'x', { f: () => 1 }), 'JSON_UNFAITHFUL'],
        ['undefined in array', () => db.aonUserMessage(s, 'x', { list: [1, undefined] }), 'JSON_UNFAITHFUL'],
        ['NaN metadata', () => db.aonUserMessage(s, 'x', { n: Number.NaN }), 'JSON_UNFAITHFUL'],
        ['Date metadata', () => db.aonUserMessage(s, 'x', { at: new Date() }), 'JSON_UNFAITHFUL'],
        ['array as metadata', () => db.aonUserMessage(s, 'x', [1] as unknown as Record<string, unknown>), 'JSON_UNFAITHFUL'],
        ['BigInt tool argument', () => db.aonToolCall(s, 't', { n: 1n }), 'JSON_UNFAITHFUL'],
        ['missing tool arguments', () => db.aonToolCall(s, 't', undefined as unknown as Record<string, unknown>), 'JSON_UNFAITHFUL'],
        ['cyclic tool result', () => db.aonToolCall(s, 't', {}, cycle), 'JSON_UNFAITHFUL'],
        ['empty tool name', () => db.aonToolCall(s, '', {}), 'FIELD_INVALID'],
        ['empty agent name', () => db.aonAgentStart(s, ''), 'FIELD_INVALID'],
        ['non-string agent id', () => db.aonAgentEnd(s, 'A', 7 as unknown as string), 'FIELD_INVALID'],
        ['object form without session id', () => db.aonUserMessage({ content: 'x' } as unknown as { sessionId: string; content: string }), 'SESSION_ID_INVALID'],
      ]
      for (const [label, run, code] of cases) {
        await expectError(run, ValidationError, code).catch((error: unknown) => {
          throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`)
        })
      }
      if (caps.syncSurface) {
        assert.throws(() => db.onUserMessage('', 'x'), (e: unknown) => e instanceof ValidationError && e.code === 'SESSION_ID_INVALID')
        assert.throws(() => db.onToolCall(s, 't', { n: 1n }), (e: unknown) => e instanceof ValidationError && e.code === 'JSON_UNFAITHFUL')
      }
      if (!caps.reads) return
      assert.equal(await db.getSession(s), null, 'no session was created by rejected writes')
      assert.deepEqual(await db.getTimeline(s), [])
      await expectError(() => db.getMessages(''), ValidationError, 'SESSION_ID_INVALID')
      await expectError(() => db.getMessages(s, { limit: -1 }), ValidationError, 'FIELD_INVALID')
    })

    it('runs the synchronous surface, or refuses it with a typed error', async () => {
      const db = await fresh()
      const s = uid('sync')
      if (!caps.syncSurface) {
        assert.throws(() => db.onUserMessage(s, 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
        return
      }
      assert.deepEqual(db.onAgentStart(s, 'SyncAgent', 'sync-1'), [])
      const results = [
        db.onUserMessage(s, 'Hello'),
        db.onToolCall(s, 'calc', { a: 1 }, 2),
        db.onAgentMessage({ sessionId: s, content: 'Hi there' }),
        db.onAgentEnd(s, 'SyncAgent', 'sync-1'),
      ]
      assert.ok(results.every((r) => r === undefined), 'sync hooks return values, not promises')
      if (!caps.reads) return
      assert.equal(kinds(db.getTimelineSync(s)), 'user,tool:calc,assistant')
      assert.equal(kinds(await db.getTimeline(s)), 'user,tool:calc,assistant', 'the async surface reads what the sync surface wrote')
      const prior = db.onAgentStart(s, 'SyncAgent', 'sync-1')
      assert.deepEqual(prior.map((m) => m.content), ['Hello', 'Hi there'])
      assert.equal(db.getSessionSync(s)?.endedAt, null)
      assert.equal(db.deleteSessionSync(s), true)
      assert.equal(db.getSessionSync(s), null)
      db.close()
      db.onUserMessage(s, 'after close')
      assert.equal(db.getMessagesSync(s).length, 1)
      {
        using scoped = await fresh()
        scoped.onUserMessage(s, 'scoped')
      }
    })

    recordConformance({ it, caps, fresh })
    operationConformance({ it, caps, fresh })
    historyConformance({ it, caps, fresh })
    scopeConformance({ it, caps, fresh })

    it('never shows a password or message content in its string forms', async () => {
      const db = await fresh()
      const text = `${String(db)} ${(await import('node:util')).inspect(db, { depth: 5 })} ${JSON.stringify(db)} ${db.target}`
      assert.doesNotMatch(text, /password|secret-pw/i)
    })
  })
}
