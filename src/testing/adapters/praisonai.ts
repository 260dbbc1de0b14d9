import assert from 'node:assert/strict'
import { ConfigError, PraisonAIDB, ValidationError } from '../../index.js'
import { MARK, praisonaiDb, type DbMessage, type DbRun, type DbSpan, type DbToolCall, type DbTrace, type PraisonAIDbAdapter } from '../../adapters/praisonai/index.js'
import { openers, type ConformanceTarget, type TestApi } from '../conformance.js'
import { expectError, pause, uid } from '../helpers.js'

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00.000Z: the caller's times, far from the store's clock

/** A conversation with every kind of message: a tool-only assistant turn (content null) and its results. */
function conversation(sessionId: string, runId: string): DbMessage[] {
  return [
    { id: uid('m'), sessionId, role: 'system', content: 'You are helpful.', createdAt: T0 },
    { id: uid('m'), sessionId, runId, role: 'user', content: 'Weather in Paris and Rome?', createdAt: T0 + 1, metadata: { user_id: 'u-1', nested: { a: [1, null, 'x'] } } },
    {
      id: uid('m'), sessionId, runId, role: 'assistant', content: null, createdAt: T0 + 2,
      toolCalls: [
        { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    { id: uid('m'), sessionId, runId, role: 'tool', content: '{"tempC":21}', toolCallId: 'call_paris', name: 'get_weather', createdAt: T0 + 3 },
    { id: uid('m'), sessionId, runId, role: 'tool', content: 'sunny, 25°C 🌞', toolCallId: 'call_rome', name: 'get_weather', createdAt: T0 + 4 },
    { id: uid('m'), sessionId, runId, role: 'assistant', content: 'Paris 21°C, Rome 25°C.', createdAt: T0 + 5, metadata: { model: 'm-1' } },
  ]
}

/**
 * The praisonai-ts `DbAdapter` section of the adapter kit (`agentdb/praisonai`), run on any
 * store: round trips of every record kind, `content: null` with `toolCalls`, `toolCallId`,
 * the last-N window (oldest first, never starting at a tool result), retried writes, and
 * concurrent appends.
 */
export function praisonaiConformance(test: TestApi, target: ConformanceTarget): void {
  const { describe, it } = test
  const { create, reopen } = openers(target)
  const opened: PraisonAIDB[] = []
  const fresh = async (): Promise<{ db: PraisonAIDB; adapter: PraisonAIDbAdapter }> => {
    const db = await create()
    opened.push(db)
    return { db, adapter: praisonaiDb(db) }
  }
  /** A second adapter: it knows no ids yet, so it finds runs, traces and spans by reading the store. */
  const another = async (db: PraisonAIDB): Promise<PraisonAIDbAdapter> => {
    if (!target.capabilities.persistent || reopen === undefined) return praisonaiDb(db)
    const again = await reopen(db)
    opened.push(again)
    return praisonaiDb(again)
  }

  describe(`praisonai DbAdapter: ${target.name}`, () => {
    test.after?.(async () => {
      for (const db of opened) await db.aclose()
      await target.destroy?.()
    })

    it('round-trips messages: content null with toolCalls, tool results with toolCallId and name, system, metadata, runId', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-msg')
      const messages = conversation(s, 'run-1')
      for (const m of messages) await adapter.saveMessage(m)
      assert.deepEqual(await adapter.getMessages(s), messages)
      // the records agentdb's own reads show: the tool results pair with the turn that asked
      assert.deepEqual((await db.getHistory(s)).map((m) => m.role === 'tool' ? `tool:${m.tool_call_id}` : m.role), ['system', 'user', 'assistant', 'tool:call_paris', 'tool:call_rome', 'assistant'])
      const [, , asked] = await db.getHistory(s)
      assert.ok(asked?.role === 'assistant')
      assert.equal(asked.content, null)
      assert.deepEqual(asked.tool_calls?.map((c) => c.id), ['call_paris', 'call_rome'])
      assert.equal((await db.getSession(s))?.userId, 'u-1')
      assert.deepEqual((await another(db).then((a) => a.getMessages(s))), messages, 'a second adapter reads the same')
    })

    it('keeps tool calls of another shape verbatim, and a null content on any role', async () => {
      const { adapter } = await fresh()
      const s = uid('pi-shape')
      const odd: DbMessage = { id: uid('m'), sessionId: s, role: 'assistant', content: 'calling', createdAt: T0, toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 'x' }, extra: true }] }
      const empty: DbMessage = { id: uid('m'), sessionId: s, role: 'user', content: null, createdAt: T0 + 1 }
      const blank: DbMessage = { id: uid('m'), sessionId: s, role: 'user', content: '', createdAt: T0 + 2 }
      for (const m of [odd, empty, blank]) await adapter.saveMessage(m)
      assert.deepEqual(await adapter.getMessages(s), [odd, empty, blank])
    })

    it('gives the last N messages oldest first, and all for no limit or 0', async () => {
      const { adapter } = await fresh()
      const s = uid('pi-window')
      const all: DbMessage[] = Array.from({ length: 10 }, (_, i) => ({ id: `m-${i}`, sessionId: s, role: i % 2 === 0 ? 'user' : 'assistant', content: `message ${i}`, createdAt: T0 + i }))
      for (const m of all) await adapter.saveMessage(m)
      assert.deepEqual(await adapter.getMessages(s, 3), all.slice(7))
      assert.deepEqual(await adapter.getMessages(s, 10), all)
      assert.deepEqual(await adapter.getMessages(s, 50), all)
      assert.deepEqual(await adapter.getMessages(s, 0), all)
      assert.deepEqual(await adapter.getMessages(s), all)
      assert.deepEqual(await adapter.getMessages(uid('pi-none'), 5), [])
      await expectError(() => adapter.getMessages(s, -1), ValidationError, 'FIELD_INVALID')
      await expectError(() => adapter.getMessages(s, 1.5), ValidationError, 'FIELD_INVALID')
    })

    it('starts a window that would split a call from its results at the call', async () => {
      const { adapter } = await fresh()
      const s = uid('pi-split')
      const messages = conversation(s, 'run-1')
      for (const m of messages) await adapter.saveMessage(m)
      // the last 2 would begin with the Rome result: the window starts at the turn that asked
      assert.deepEqual(await adapter.getMessages(s, 2), messages.slice(2))
      assert.deepEqual(await adapter.getMessages(s, 3), messages.slice(2))
      assert.deepEqual(await adapter.getMessages(s, 4), messages.slice(2))
      assert.deepEqual(await adapter.getMessages(s, 5), messages.slice(1))
      assert.deepEqual(await adapter.getMessages(s, 1), messages.slice(5))
    })

    it('adds nothing for a retried write with the same id', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-retry')
      const messages = conversation(s, 'run-1')
      for (const m of messages) await adapter.saveMessage(m)
      for (const m of messages) await adapter.saveMessage(m)
      await adapter.saveMessage({ ...messages[1]!, content: 'a different payload under the same id' })
      assert.deepEqual(await adapter.getMessages(s), messages)
      const run: DbRun = { id: uid('run'), sessionId: s, status: 'running', startedAt: T0 }
      await adapter.createRun(run)
      await adapter.createRun({ ...run, status: 'failed' })
      assert.deepEqual(await adapter.getRun(run.id), run)
      const call: DbToolCall = { id: uid('tc'), runId: run.id, name: 'search', arguments: '{"q":"x"}', result: 'found', status: 'completed', startedAt: T0, completedAt: T0 + 7 }
      await adapter.saveToolCall(call)
      await adapter.saveToolCall(call)
      assert.deepEqual(await adapter.getToolCalls(run.id), [call])
      const stats = await db.stats()
      assert.equal(stats.messages + stats.toolCalls, messages.length + 1)
      assert.equal(stats.runs, 1)
    })

    it('keeps call order for concurrent appends to one session', async () => {
      const { adapter } = await fresh()
      const s = uid('pi-concurrent')
      const roles = ['user', 'assistant', 'tool', 'system'] as const
      const messages: DbMessage[] = Array.from({ length: 60 }, (_, i) => ({
        id: `c-${String(i).padStart(3, '0')}`, sessionId: s, role: roles[i % 4]!, content: `m${i}`, createdAt: T0 + i,
        ...(roles[i % 4] === 'tool' ? { toolCallId: `call_${i}`, name: 'f' } : {}),
      }))
      await Promise.all(messages.map((m) => adapter.saveMessage(m)))
      assert.deepEqual(await adapter.getMessages(s), messages)
    })

    it('round-trips sessions: create with times and metadata, update, list, delete', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-session')
      const session = { id: s, createdAt: T0, updatedAt: T0 + 5, metadata: { title: 'Trip', tags: ['a', 'b'] } }
      await adapter.createSession(session)
      assert.deepEqual(await adapter.getSession(s), session)
      await adapter.createSession({ ...session, metadata: { title: 'other' } })
      assert.deepEqual(await adapter.getSession(s), session, 'a session that exists is left as it is')
      await adapter.updateSession(s, { metadata: { title: 'Trip to Rome' } })
      assert.deepEqual((await adapter.getSession(s))?.metadata, { title: 'Trip to Rome' })
      assert.deepEqual((await (await another(db)).getSession(s))?.metadata, { title: 'Trip to Rome' })
      assert.ok((await adapter.listSessions()).some((x) => x.id === s && x.metadata?.['title'] === 'Trip to Rome'))
      const bare = uid('pi-bare')
      await adapter.createSession({ id: bare, createdAt: T0, updatedAt: T0 })
      assert.deepEqual(await adapter.getSession(bare), { id: bare, createdAt: T0, updatedAt: T0 })
      const missing = uid('pi-missing')
      await adapter.updateSession(missing, { metadata: { x: 1 } })
      assert.equal(await adapter.getSession(missing), null, 'updating a session that does not exist creates nothing')
      await adapter.saveMessage({ id: uid('m'), sessionId: s, role: 'user', content: 'hi', createdAt: T0 })
      await adapter.deleteSession(s)
      assert.equal(await adapter.getSession(s), null)
      assert.deepEqual(await adapter.getMessages(s), [])
    })

    it('pages sessions with limit and offset, newest first', async () => {
      const { adapter } = await fresh()
      const ids = Array.from({ length: 5 }, (_, i) => `pi-page-${i}`)
      for (const [i, id] of ids.entries()) await adapter.createSession({ id, createdAt: T0 + i * 1000, updatedAt: T0 + i * 1000 })
      const newestFirst = [...ids].reverse()
      assert.deepEqual((await adapter.listSessions()).map((x) => x.id), newestFirst)
      assert.deepEqual((await adapter.listSessions(2)).map((x) => x.id), newestFirst.slice(0, 2))
      assert.deepEqual((await adapter.listSessions(2, 2)).map((x) => x.id), newestFirst.slice(2, 4))
      assert.deepEqual((await adapter.listSessions(10, 4)).map((x) => x.id), newestFirst.slice(4))
      assert.deepEqual(await adapter.listSessions(10, 5), [])
    })

    it('deletes messages but keeps runs, their tool calls and the session', async () => {
      const { adapter } = await fresh()
      const s = uid('pi-clear')
      const run: DbRun = { id: uid('run'), sessionId: s, status: 'running', startedAt: T0 }
      await adapter.createRun(run)
      for (const m of conversation(s, run.id)) await adapter.saveMessage(m)
      const call: DbToolCall = { id: uid('tc'), runId: run.id, name: 'f', arguments: 'not json', status: 'pending', startedAt: T0 }
      await adapter.saveToolCall(call)
      await adapter.deleteMessages(s)
      assert.deepEqual(await adapter.getMessages(s), [])
      assert.deepEqual(await adapter.getToolCalls(run.id), [call])
      assert.deepEqual(await adapter.getRun(run.id), run)
      assert.notEqual(await adapter.getSession(s), null)
      const next: DbMessage = { id: uid('m'), sessionId: s, role: 'user', content: 'again', createdAt: T0 + 9 }
      await adapter.saveMessage(next)
      assert.deepEqual(await adapter.getMessages(s), [next])
      await adapter.deleteMessages(uid('pi-none'))
    })

    it('round-trips runs through their states, and lists them oldest first', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-run')
      const first: DbRun = { id: uid('run'), sessionId: s, agentName: 'Researcher', status: 'pending', startedAt: T0, metadata: { step: 1 } }
      const second: DbRun = { id: uid('run'), sessionId: s, status: 'completed', startedAt: T0 + 1, completedAt: T0 + 2, tokenUsage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }
      await adapter.createRun(first)
      await pause(2) // agentdb orders runs by its own start time
      await adapter.createRun(second)
      assert.deepEqual(await adapter.getRun(first.id), first)
      await adapter.updateRun(first.id, { status: 'running' })
      assert.deepEqual(await adapter.getRun(first.id), { ...first, status: 'running' })
      const done = { status: 'failed', completedAt: T0 + 9, error: 'tool failed', tokenUsage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 } } as const
      await adapter.updateRun(first.id, done)
      const ended: DbRun = { ...first, ...done }
      assert.deepEqual(await adapter.getRun(first.id), ended)
      assert.deepEqual(await adapter.listRuns(s), [ended, second])
      assert.deepEqual(await adapter.listRuns(s, 1), [second])
      // agentdb's own records follow
      const runs = await db.getRuns(s)
      assert.deepEqual(runs.map((r) => [r.id, r.status]), [[second.id, 'completed'], [first.id, 'error']])
      assert.deepEqual(runs[1]?.metrics, { promptTokens: 10, completionTokens: 5, totalTokens: 15 })
      // another process (an adapter that has seen none of these ids) finds them
      const other = await another(db)
      assert.deepEqual(await other.getRun(first.id), ended)
      await other.updateRun(second.id, { metadata: { reviewed: true } })
      assert.deepEqual(await adapter.getRun(second.id), { ...second, metadata: { reviewed: true } })
      // concurrent updates of one run are merged, none lost (compare-and-set on the kept record)
      const third: DbRun = { id: uid('run'), sessionId: s, status: 'running', startedAt: T0 + 3 }
      await adapter.createRun(third)
      await Promise.all([adapter.updateRun(third.id, { agentName: 'A' }), other.updateRun(third.id, { metadata: { b: 2 } }), adapter.updateRun(third.id, { error: 'c' })])
      assert.deepEqual(await adapter.getRun(third.id), { ...third, agentName: 'A', metadata: { b: 2 }, error: 'c' })
      assert.equal(await adapter.getRun(uid('run-none')), null)
      await adapter.updateRun(uid('run-none'), { status: 'running' })
      await expectError(() => adapter.updateRun(first.id, { sessionId: 'elsewhere' }), ValidationError, 'FIELD_INVALID')
      await expectError(() => adapter.updateRun(first.id, { status: 'done' as DbRun['status'] }), ValidationError, 'FIELD_INVALID')
      assert.deepEqual(await adapter.getRun(first.id), ended, 'a refused update changes nothing')
    })

    it('round-trips a run\'s tool calls, which are not messages', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-tools')
      const run: DbRun = { id: uid('run'), sessionId: s, status: 'running', startedAt: T0 }
      await adapter.createRun(run)
      const calls: DbToolCall[] = [
        { id: uid('tc'), runId: run.id, name: 'search', arguments: '{"q":"paris"}', result: '3 hits', status: 'completed', startedAt: T0 + 1, completedAt: T0 + 4 },
        { id: uid('tc'), runId: run.id, name: 'fetch', arguments: 'raw text, not JSON', status: 'failed', startedAt: T0 + 5, completedAt: T0 + 6, error: 'timeout' },
        { id: uid('tc'), runId: run.id, name: 'wait', arguments: '{}', status: 'pending', startedAt: T0 + 7 },
      ]
      for (const c of calls) await adapter.saveToolCall(c)
      assert.deepEqual(await adapter.getToolCalls(run.id), calls)
      assert.deepEqual(await (await another(db)).getToolCalls(run.id), calls)
      assert.deepEqual(await adapter.getMessages(s), [])
      const [search] = await db.getToolCalls(s)
      assert.deepEqual([search?.toolName, search?.arguments, search?.result, search?.durationMs], ['search', { q: 'paris' }, '3 hits', 3])
      assert.deepEqual(await adapter.getToolCalls(uid('run-none')), [])
      await expectError(() => adapter.saveToolCall({ ...calls[0]!, id: uid('tc'), runId: uid('run-none') }), ValidationError, 'FIELD_INVALID')
    })

    it('round-trips traces and their spans through their states', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-trace')
      const trace: DbTrace = { id: uid('tr'), sessionId: s, runId: 'run-1', agentName: 'Researcher', startedAt: T0, status: 'running', metadata: { env: 'test' } }
      const root: DbSpan = { id: uid('sp'), traceId: trace.id, name: 'agent', startedAt: T0, status: 'running' }
      const child: DbSpan = { id: uid('sp'), traceId: trace.id, parentId: root.id, name: 'llm', startedAt: T0 + 1, status: 'pending', attributes: { model: 'm-1' } }
      await adapter.createTrace(trace)
      await adapter.createSpan(root)
      await pause(2) // agentdb orders spans by its own start time
      await adapter.createSpan(child)
      assert.deepEqual(await adapter.getTrace(trace.id), trace)
      assert.deepEqual(await adapter.getSpans(trace.id), [root, child])
      await adapter.updateSpan(child.id, { status: 'running' })
      await adapter.updateSpan(child.id, { status: 'completed', completedAt: T0 + 3, attributes: { model: 'm-1', tokens: 12 } })
      await adapter.updateSpan(root.id, { status: 'failed', completedAt: T0 + 4 })
      await adapter.updateTrace(trace.id, { status: 'completed', completedAt: T0 + 5 })
      const spans = [{ ...root, status: 'failed', completedAt: T0 + 4 }, { ...child, status: 'completed', completedAt: T0 + 3, attributes: { model: 'm-1', tokens: 12 } }]
      assert.deepEqual(await adapter.getTrace(trace.id), { ...trace, status: 'completed', completedAt: T0 + 5 })
      assert.deepEqual(await adapter.getSpans(trace.id), spans)
      const [stored] = await db.getTraces({ sessionId: s })
      assert.deepEqual([stored?.name, stored?.status, stored?.runId], ['Researcher', 'ok', 'run-1'])
      assert.deepEqual(stored?.spans.map((x) => [x.name, x.status, x.parentSpanId]), [['agent', 'error', null], ['llm', 'ok', root.id]])
      const other = await another(db)
      assert.deepEqual(await other.getSpans(trace.id), spans)
      await other.updateSpan(root.id, { attributes: { note: 'seen' } })
      assert.deepEqual((await adapter.getSpans(trace.id))[0], { ...spans[0], attributes: { note: 'seen' } })
      assert.equal(await adapter.getTrace(uid('tr-none')), null)
      assert.deepEqual(await adapter.getSpans(uid('tr-none')), [])
      await expectError(() => adapter.createSpan({ ...root, id: uid('sp'), traceId: uid('tr-none') }), ValidationError, 'FIELD_INVALID')
    })

    it('reads what agentdb\'s own hooks wrote (its Agent): tool turns, results, runs and their tool calls', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-native')
      await db.aonRunStart(s, 'native-run', 'Weather?')
      await db.aonUserMessage({ sessionId: s, content: 'Weather?', runId: 'native-run' })
      await db.aonAgentMessage({ sessionId: s, content: '', runId: 'native-run', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] })
      await db.aonToolCall({ sessionId: s, toolName: 'get_weather', arguments: { city: 'Oslo' }, result: { tempC: 3 }, toolCallId: 'call_1', runId: 'native-run', durationMs: 12 })
      await db.aonToolCall(s, 'untracked', { x: 1 }, 'no call id') // the seed's form: no provider id, not a chat message
      await db.aonAgentMessage({ sessionId: s, content: 'Cold: 3°C.', runId: 'native-run' })
      await db.aonRunEnd(s, 'native-run', 'Cold: 3°C.', 'completed', { promptTokens: 5, completionTokens: 2, totalTokens: 7 })
      const messages = await adapter.getMessages(s)
      assert.deepEqual(messages.map((m) => [m.role, m.content, m.toolCallId ?? null, m.runId ?? null]), [
        ['user', 'Weather?', null, 'native-run'], ['assistant', null, null, 'native-run'], ['tool', '{"tempC":3}', 'call_1', 'native-run'], ['assistant', 'Cold: 3°C.', null, 'native-run'],
      ])
      assert.deepEqual(messages[1]?.toolCalls, [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }])
      assert.equal(messages[2]?.name, 'get_weather')
      const run = await adapter.getRun('native-run')
      assert.deepEqual([run?.status, run?.tokenUsage], ['completed', { promptTokens: 5, completionTokens: 2, totalTokens: 7 }])
      const calls = await adapter.getToolCalls('native-run')
      assert.deepEqual(calls.map((c) => [c.name, c.arguments, c.result, c.status, (c.completedAt ?? 0) - c.startedAt]), [['get_weather', '{"city":"Oslo"}', '{"tempC":3}', 'completed', 12]])
    })

    it('refuses bad input with ValidationError and writes nothing', async () => {
      const { db, adapter } = await fresh()
      const s = uid('pi-bad')
      const good: DbMessage = { id: uid('m'), sessionId: s, role: 'user', content: 'hi', createdAt: T0 }
      const bad: [unknown, string][] = [
        [{ ...good, role: 'robot' }, 'FIELD_INVALID'],
        [{ ...good, content: 42 }, 'CONTENT_INVALID'],
        [{ ...good, createdAt: 1.5 }, 'FIELD_INVALID'],
        [{ ...good, createdAt: '2026-01-01' }, 'FIELD_INVALID'],
        [{ ...good, id: '' }, 'FIELD_INVALID'],
        [{ ...good, sessionId: '' }, 'SESSION_ID_INVALID'],
        [{ ...good, metadata: { when: new Date() } }, 'JSON_UNFAITHFUL'],
        [{ ...good, metadata: { [MARK]: 'mine' } }, 'FIELD_INVALID'],
        [{ ...good, toolCalls: [] }, 'FIELD_INVALID'],
        [{ ...good, role: 'assistant', toolCalls: [{ type: 'function' }] }, 'FIELD_INVALID'],
        [{ ...good, role: 'tool', content: { x: 1 } }, 'CONTENT_INVALID'],
        [null, 'FIELD_INVALID'],
      ]
      for (const [message, code] of bad) await expectError(() => adapter.saveMessage(message as DbMessage), ValidationError, code)
      await expectError(() => adapter.createRun({ id: uid('run'), sessionId: s, status: 'done', startedAt: T0 } as unknown as DbRun), ValidationError, 'FIELD_INVALID')
      await expectError(() => adapter.createRun({ id: uid('run'), sessionId: s, status: 'running', startedAt: T0, metadata: { f: () => 1 } } as unknown as DbRun), ValidationError, 'JSON_UNFAITHFUL')
      await expectError(() => adapter.createTrace({ id: uid('tr'), sessionId: s, status: 'running', startedAt: Number.NaN }), ValidationError, 'FIELD_INVALID')
      await expectError(() => adapter.createSession({ id: s, createdAt: T0, updatedAt: T0, metadata: { big: 1n } as unknown as Record<string, unknown> }), ValidationError, 'JSON_UNFAITHFUL')
      await expectError(() => adapter.createRun({ id: uid('run'), sessionId: s, status: 'running', startedAt: T0, metadata: { blob: 'x'.repeat(70_000) } }), ValidationError, 'FIELD_INVALID')
      assert.equal(await db.getSession(s), null, 'no refused call created the session')
      const stats = await db.stats()
      assert.deepEqual([stats.sessions, stats.messages, stats.toolCalls, stats.runs, stats.traces], [0, 0, 0, 0, 0])
    })

    it('connects, disconnects, and leaves a given PraisonAIDB open', async () => {
      const { db, adapter } = await fresh()
      assert.equal(adapter.isConnected(), false)
      await adapter.connect()
      assert.equal(adapter.isConnected(), true)
      await adapter.disconnect()
      assert.equal(adapter.isConnected(), false)
      const s = uid('pi-open')
      await db.aonUserMessage(s, 'still open')
      assert.equal((await adapter.getMessages(s))[0]?.content, 'still open')
      await expectError(() => praisonaiDb(db, {} as never), ConfigError, 'OPTION_INVALID')
      if (!('url' in target)) return
      // from a URL the adapter owns its PraisonAIDB, and closes it (a later call opens it again)
      const owned = praisonaiDb(target.url())
      opened.push(owned.db)
      await owned.saveMessage({ id: 'o-1', sessionId: s, role: 'user', content: 'owned', createdAt: T0 })
      await owned.disconnect()
      assert.deepEqual((await owned.getMessages(s)).map((m) => m.content), ['owned'])
      await owned.disconnect()
    })
  })
}
