import assert from 'node:assert/strict'
import {
  ConfigError, INTERRUPTED_RESULT, ValidationError, type Capabilities, type ChatMessage, type PraisonAIDB, type Span, type Trace,
} from '../index.js'
import { expectError, pause, uid } from './helpers.js'

/** What the record tests need from the suite that runs them. */
export interface RecordSuite {
  readonly it: (name: string, fn: () => Promise<void> | void) => unknown
  readonly caps: Capabilities
  /** A new `PraisonAIDB` on empty storage. */
  readonly fresh: () => Promise<PraisonAIDB>
}

/** A span without its times (which the store stamps), for comparing what was recorded. */
const spanShape = (s: Span) => ({ id: s.id, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, status: s.status, attributes: s.attributes, error: s.error, ended: s.endedAt !== null })
const traceIds = (traces: readonly Trace[]): string[] => traces.map((t) => t.id)

/** A two-turn conversation whose first turn asked for two tools at once; the results were written in reverse order. */
async function writeToolConversation(db: PraisonAIDB, s: string): Promise<void> {
  await db.aonUserMessage(s, 'q1')
  await db.aonAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'call_1', name: 'search', arguments: '{"q":"x"}' }, { id: 'call_2', name: 'calc', arguments: '{"a":2}' }] })
  await db.aonToolCall({ sessionId: s, toolName: 'calc', arguments: { a: 2 }, result: 4, toolCallId: 'call_2' })
  await db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: 'x' }, result: { hits: 1 }, toolCallId: 'call_1' })
  await db.aonAgentMessage(s, 'answer 1')
  await db.aonUserMessage(s, 'q2')
  await db.aonAgentMessage({ sessionId: s, content: 'let me check', toolCalls: [{ id: 'call_3', name: 'search', arguments: '{}' }] })
  await db.aonToolCall({ sessionId: s, toolName: 'search', arguments: {}, result: 'found', toolCallId: 'call_3' })
  await db.aonAgentMessage(s, 'answer 2')
}

const FIRST_TURN: readonly ChatMessage[] = [
  { role: 'user', content: 'q1' },
  {
    role: 'assistant', content: null, tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } },
      { id: 'call_2', type: 'function', function: { name: 'calc', arguments: '{"a":2}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '{"hits":1}' },
  { role: 'tool', tool_call_id: 'call_2', content: '4' },
  { role: 'assistant', content: 'answer 1' },
]

const SECOND_TURN: readonly ChatMessage[] = [
  { role: 'user', content: 'q2' },
  { role: 'assistant', content: 'let me check', tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'search', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'call_3', content: 'found' },
  { role: 'assistant', content: 'answer 2' },
]

/**
 * The conformance tests of the records issue 10 added: tool call ids and an assistant turn's
 * tool calls, runs, traces with spans, `getHistory`, their sync twins and their validation.
 * Part of `storeConformance`; every store runs them unchanged.
 */
export function recordConformance({ it, caps, fresh }: RecordSuite): void {
  it('keeps the provider\'s tool call id and an assistant turn\'s tool calls', async () => {
    const db = await fresh()
    const s = uid('toolids')
    const asked = [{ id: 'call_a', name: 'search', arguments: '{"q": "x", "n": 1.50}' }, { id: 'call_b', name: 'calc', arguments: '' }]
    await db.aonAgentMessage({ sessionId: s, content: 'checking', toolCalls: asked })
    await db.aonToolCall({ sessionId: s, toolName: 'search', arguments: { q: 'x' }, result: 'r', toolCallId: 'call_a' })
    await db.aonAgentMessage(s, 'plain')
    await db.aonToolCall(s, 'seeded', {})
    await db.aonUserMessage({ sessionId: s, content: 'user turn', toolCalls: asked })
    if (!caps.reads) return
    const messages = await db.getMessages(s)
    assert.deepEqual(messages.map((m) => m.toolCalls), [asked, null, null], 'the arguments text is kept as the model wrote it; only assistant turns keep tool calls')
    assert.deepEqual((await db.getToolCalls(s)).map((t) => [t.toolName, t.toolCallId]), [['search', 'call_a'], ['seeded', null]])
    const timeline = await db.getTimeline(s)
    assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? i.message.toolCalls : i.toolCall.toolCallId)), [asked, 'call_a', null, null, null])
    if (caps.syncSurface) {
      assert.deepEqual(db.getMessagesSync(s).map((m) => m.toolCalls), [asked, null, null])
      assert.deepEqual(db.getToolCallsSync(s).map((t) => t.toolCallId), ['call_a', null])
    }
  })

  it('records runs: start, end (status, output, metrics, metadata kept or replaced), end without start, idempotent start, newest first', async () => {
    const db = await fresh()
    const s = uid('runs')
    const other = uid('runs-other')
    await db.aonRunStart(s, 'run-1', 'first prompt', { keep: 1 })
    await pause(3)
    await db.aonRunStart({ sessionId: s, runId: 'run-2', inputContent: 'second prompt', metadata: { replace: 'me' } })
    await pause(3)
    await db.aonRunEnd(s, 'run-3', 'partial answer', 'interrupted')
    await pause(3)
    await db.aonRunStart(s, 'run-4', 'fourth prompt')
    await db.aonRunStart(s, 'run-4', 'a retried start changes nothing', { late: true })
    await db.aonRunStart(other, 'run-other', 'elsewhere')
    await db.aonRunEnd(s, 'run-1', 'first answer', 'completed', { tokens: 12, ms: 3.5 })
    await db.aonRunEnd({ sessionId: s, runId: 'run-2', outputContent: '', status: 'error', metrics: { tokens: 1 }, metadata: { replaced: true } })
    await db.aonRunStart(s, 'run-1', 'a start after the end changes nothing')
    if (!caps.reads) return
    const runs = await db.getRuns(s)
    assert.deepEqual(runs.map((r) => r.id), ['run-4', 'run-3', 'run-2', 'run-1'], 'newest first by start time')
    const [r4, r3, r2, r1] = runs
    assert.deepEqual([r1?.status, r1?.input, r1?.output, r1?.metrics, r1?.metadata], ['completed', 'first prompt', 'first answer', { tokens: 12, ms: 3.5 }, { keep: 1 }])
    assert.deepEqual([r2?.status, r2?.input, r2?.output, r2?.metrics, r2?.metadata], ['error', 'second prompt', '', { tokens: 1 }, { replaced: true }])
    assert.deepEqual([r3?.status, r3?.input, r3?.output, r3?.metrics, r3?.metadata], ['interrupted', '', 'partial answer', {}, {}])
    assert.deepEqual([r4?.status, r4?.input, r4?.output, r4?.metrics, r4?.metadata, r4?.endedAt], ['running', 'fourth prompt', null, {}, {}, null])
    for (const run of runs) {
      assert.equal(run.sessionId, s)
      assert.ok(!Number.isNaN(Date.parse(run.startedAt)), run.startedAt)
      if (run.status !== 'running') assert.ok(run.endedAt !== null && run.startedAt <= run.endedAt, `${run.id} ended after it started`)
    }
    assert.deepEqual((await db.getRuns(s, { limit: 2 })).map((r) => r.id), ['run-4', 'run-3'])
    assert.deepEqual((await db.getRuns(other)).map((r) => [r.id, r.input]), [['run-other', 'elsewhere']])
    assert.deepEqual(await db.getRuns(uid('no-runs')), [])
    assert.ok((await db.getSession(s)) !== null, 'a run creates its session')
  })

  it('records traces with nested spans, filtered by session and user, newest first', async () => {
    const db = await fresh()
    const [s1, s2, user] = [uid('traces-1'), uid('traces-2'), uid('user')]
    const [t1, t2, t3] = [uid('t1'), uid('t2'), uid('t3')]
    await db.aonTraceStart({ sessionId: s1, traceId: t1, name: 'turn 1', runId: 'run-1', userId: user, metadata: { m: 1 } })
    await db.aonSpanStart({ sessionId: s1, traceId: t1, spanId: 'root', name: 'agent', kind: 'agent', attributes: { a: 1 } })
    await pause(3)
    await db.aonSpanStart({ sessionId: s1, traceId: t1, spanId: 'llm', name: 'chat', kind: 'llm', parentSpanId: 'root', attributes: { model: 'm' } })
    await db.aonSpanEnd({ sessionId: s1, traceId: t1, spanId: 'llm', status: 'ok', attributes: { tokens: 3 } })
    await pause(3)
    await db.aonSpanStart({ sessionId: s1, traceId: t1, spanId: 'tool', name: 'search', kind: 'tool', parentSpanId: 'root' })
    await db.aonSpanEnd({ sessionId: s1, traceId: t1, spanId: 'tool', status: 'error', error: 'boom' })
    await db.aonSpanEnd({ sessionId: s1, traceId: t1, spanId: 'root', status: 'ok' })
    await db.aonTraceEnd({ sessionId: s1, traceId: t1, status: 'ok' })
    // a span of the same trace id in another session is not part of the trace
    await db.aonSpanStart({ sessionId: s2, traceId: t1, spanId: 'stray', name: 'stray' })
    await pause(3)
    await db.aonTraceStart({ sessionId: s2, traceId: t2, name: 'turn 2', userId: user })
    await db.aonSpanEnd({ sessionId: s2, traceId: t2, spanId: 'late', status: 'ok', attributes: { only: 'end' } })
    await db.aonTraceEnd({ sessionId: s2, traceId: t2, status: 'error', metadata: { why: 'x' } })
    await pause(3)
    await db.aonTraceStart({ sessionId: s1, traceId: t3, name: 'turn 3' })
    await db.aonTraceStart({ sessionId: s1, traceId: t3, name: 'a retried start changes nothing', userId: user })
    if (!caps.reads) return

    const ofS1 = await db.getTraces({ sessionId: s1 })
    assert.deepEqual(traceIds(ofS1), [t3, t1])
    const [third, first] = ofS1
    assert.deepEqual([third?.name, third?.status, third?.userId, third?.endedAt, third?.spans], ['turn 3', 'running', null, null, []])
    assert.deepEqual([first?.name, first?.status, first?.runId, first?.userId, first?.metadata, first?.sessionId], ['turn 1', 'ok', 'run-1', user, { m: 1 }, s1])
    assert.deepEqual(first?.spans.map(spanShape), [
      { id: 'root', parentSpanId: null, name: 'agent', kind: 'agent', status: 'ok', attributes: { a: 1 }, error: null, ended: true },
      { id: 'llm', parentSpanId: 'root', name: 'chat', kind: 'llm', status: 'ok', attributes: { tokens: 3 }, error: null, ended: true },
      { id: 'tool', parentSpanId: 'root', name: 'search', kind: 'tool', status: 'error', attributes: {}, error: 'boom', ended: true },
    ], 'spans in start order, each end merged into its start')
    for (const span of first?.spans ?? []) assert.deepEqual([span.traceId, span.sessionId], [t1, s1])

    const ofUser = await db.getTraces({ userId: user })
    assert.deepEqual(traceIds(ofUser), [t2, t1])
    const second = ofUser[0]
    assert.deepEqual([second?.status, second?.metadata, second?.spans.map(spanShape)], ['error', { why: 'x' }, [
      { id: 'late', parentSpanId: null, name: '', kind: 'internal', status: 'ok', attributes: { only: 'end' }, error: null, ended: true },
    ]])
    assert.deepEqual(traceIds(await db.getTraces({ userId: user, limit: 1 })), [t2])
    assert.deepEqual(traceIds(await db.getTraces({ sessionId: s1, userId: user })), [t1])
    assert.deepEqual(traceIds(await db.getTraces({ sessionId: s2, userId: user })), [t2])
    assert.deepEqual(traceIds(await db.getTraces({ sessionId: s1, limit: 1 })), [t3])
    assert.deepEqual(traceIds(await db.getTraces()), [t3, t2, t1])
    assert.deepEqual(await db.getTraces({ userId: uid('nobody') }), [])
  })

  it('commits runs, traces and spans batched together with messages and tool calls (hooks not awaited one by one)', async () => {
    const db = await fresh()
    const s = uid('batched')
    const t = uid('batched-trace')
    const writes: Promise<void>[] = []
    for (let i = 0; i < 20; i++) {
      writes.push(db.aonRunStart(s, `run-${i}`, `prompt ${i}`))
      writes.push(db.aonUserMessage(s, `${i}`))
      writes.push(db.aonSpanStart({ sessionId: s, traceId: t, spanId: `span-${i}`, name: 'step' }))
      writes.push(db.aonToolCall({ sessionId: s, toolName: 'tool', arguments: { i }, toolCallId: `call-${i}` }))
      writes.push(db.aonRunEnd(s, `run-${i}`, `answer ${i}`, 'completed'))
    }
    writes.push(db.aonTraceStart({ sessionId: s, traceId: t, name: 'batch' }))
    await Promise.all(writes)
    if (!caps.reads) return
    const runs = await db.getRuns(s)
    assert.deepEqual(runs.map((r) => [r.id, r.input, r.output, r.status]).sort(), Array.from({ length: 20 }, (_, i) => [`run-${i}`, `prompt ${i}`, `answer ${i}`, 'completed']).sort())
    assert.deepEqual((await db.getTimeline(s)).map((x) => (x.kind === 'message' ? x.message.content : x.toolCall.toolCallId)), Array.from({ length: 20 }, (_, i) => [`${i}`, `call-${i}`]).flat())
    const [trace] = await db.getTraces({ sessionId: s })
    assert.deepEqual(trace?.spans.map((span) => span.id).sort(), Array.from({ length: 20 }, (_, i) => `span-${i}`).sort())
  })

  it('deletes a session\'s runs, traces and spans with it, and nothing else', async () => {
    const db = await fresh()
    const [a, b, user] = [uid('del-a'), uid('del-b'), uid('del-user')]
    const [ta, tb] = [uid('ta'), uid('tb')]
    for (const [s, t] of [[a, ta], [b, tb]] as const) {
      await db.aonRunStart(s, `run-${t}`, 'prompt')
      await db.aonTraceStart({ sessionId: s, traceId: t, name: 'turn', userId: user })
      await db.aonSpanStart({ sessionId: s, traceId: t, spanId: 'span', name: 'llm' })
    }
    if (!caps.reads) return
    assert.equal(await db.deleteSession(a), true)
    assert.deepEqual(await db.getRuns(a), [])
    assert.deepEqual(await db.getTraces({ sessionId: a }), [])
    assert.deepEqual(traceIds(await db.getTraces({ userId: user })), [tb])
    assert.deepEqual((await db.getRuns(b)).map((r) => r.id), [`run-${tb}`])
    assert.deepEqual((await db.getTraces({ sessionId: b }))[0]?.spans.map((s) => s.id), ['span'])
    // the same ids start afresh: nothing of the deleted records is left to merge with
    await db.aonTraceStart({ sessionId: a, traceId: ta, name: 'again' })
    await db.aonRunEnd(a, `run-${ta}`, 'out', 'completed')
    const [again] = await db.getTraces({ sessionId: a })
    assert.deepEqual([again?.name, again?.userId, again?.spans], ['again', null, []])
    assert.deepEqual((await db.getRuns(a)).map((r) => [r.input, r.output]), [['', 'out']])
  })

  it('renders history for a model: tool results right after the turn that asked, in its order', async () => {
    const db = await fresh()
    const s = uid('history')
    await writeToolConversation(db, s)
    if (!caps.reads) return
    assert.deepEqual(await db.getHistory(s), [...FIRST_TURN, ...SECOND_TURN])
    if (caps.syncSurface) assert.deepEqual(db.getHistorySync(s), [...FIRST_TURN, ...SECOND_TURN])
    assert.deepEqual(await db.getHistory(uid('empty')), [])
  })

  it('renders an interrupted call with an error result, and a seed-style tool call as its own assistant turn', async () => {
    const db = await fresh()
    const s = uid('history-gaps')
    await db.aonUserMessage(s, 'go')
    await db.aonAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'call_lost', name: 'slow', arguments: '{}' }, { id: 'call_ok', name: 'fast', arguments: '{}' }] })
    await db.aonToolCall({ sessionId: s, toolName: 'fast', arguments: {}, result: 'done', toolCallId: 'call_ok' })
    await db.aonToolCall(s, 'data_analyzer', { file: 'data.csv' }, { rows: 1000 })
    await db.aonToolCall({ sessionId: s, toolName: 'failing', arguments: {}, error: 'no such file', toolCallId: 'call_orphan' })
    if (!caps.reads) return
    const history = await db.getHistory(s)
    assert.deepEqual(history.slice(0, 4), [
      { role: 'user', content: 'go' },
      {
        role: 'assistant', content: null, tool_calls: [
          { id: 'call_lost', type: 'function', function: { name: 'slow', arguments: '{}' } },
          { id: 'call_ok', type: 'function', function: { name: 'fast', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_lost', content: INTERRUPTED_RESULT },
      { role: 'tool', tool_call_id: 'call_ok', content: 'done' },
    ])
    const [seeded, seededResult, orphan, orphanResult, ...rest] = history.slice(4)
    assert.equal(rest.length, 0)
    assert.ok(seeded?.role === 'assistant' && seeded.tool_calls?.length === 1 && seededResult?.role === 'tool', JSON.stringify(seeded))
    const [call] = seeded.tool_calls
    assert.match(call!.id, /^call_/)
    assert.deepEqual([call!.function, seededResult.tool_call_id, seededResult.content], [{ name: 'data_analyzer', arguments: '{"file":"data.csv"}' }, call!.id, '{"rows":1000}'])
    assert.deepEqual([orphan, orphanResult], [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_orphan', type: 'function', function: { name: 'failing', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_orphan', content: 'error: no such file' },
    ])
  })

  it('keeps the last N whole turns of history, never cutting tool calls from their results', async () => {
    const db = await fresh()
    const s = uid('history-limit')
    await writeToolConversation(db, s)
    if (!caps.reads) return
    assert.deepEqual(await db.getHistory(s, { limit: 1 }), SECOND_TURN)
    assert.deepEqual(await db.getHistory(s, { limit: 2 }), [...FIRST_TURN, ...SECOND_TURN])
    assert.deepEqual(await db.getHistory(s, { limit: 50 }), [...FIRST_TURN, ...SECOND_TURN])
    // a turn wider than the first window read: the window grows until it holds the turn's start
    await db.aonUserMessage(s, 'wide')
    for (let k = 0; k < 70; k++) await db.aonToolCall({ sessionId: s, toolName: 't', arguments: {}, result: k, toolCallId: `w${k}` })
    const wide = await db.getHistory(s, { limit: 1 })
    assert.deepEqual([wide.length, wide[0], wide[2]], [141, { role: 'user', content: 'wide' }, { role: 'tool', tool_call_id: 'w0', content: '0' }])
    const two = await db.getHistory(s, { limit: 2 })
    assert.deepEqual(two.slice(0, SECOND_TURN.length), SECOND_TURN)
    assert.equal(two.length, SECOND_TURN.length + 141)
    if (caps.syncSurface) assert.deepEqual(db.getHistorySync(s, { limit: 1 }), (await db.getHistory(s, { limit: 1 })))
    await expectError(() => db.getHistory(s, { limit: 0 }), ValidationError, 'FIELD_INVALID')
  })

  it('runs the synchronous run, trace and span hooks and reads, or refuses them with a typed error', async () => {
    const db = await fresh()
    const s = uid('sync-records')
    const t = uid('sync-trace')
    if (!caps.syncSurface) {
      assert.throws(() => db.onRunStart(s, 'r', 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
      return
    }
    db.onRunStart(s, 'sync-run', 'prompt', { via: 'sync' })
    db.onTraceStart({ sessionId: s, traceId: t, name: 'turn', userId: 'sync-user' })
    db.onSpanStart({ sessionId: s, traceId: t, spanId: 'span', name: 'llm', kind: 'llm' })
    db.onUserMessage(s, 'hi')
    db.onAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'c1', name: 'tool', arguments: '{}' }] })
    db.onToolCall({ sessionId: s, toolName: 'tool', arguments: {}, result: 'r', toolCallId: 'c1' })
    db.onSpanEnd({ sessionId: s, traceId: t, spanId: 'span', status: 'ok' })
    db.onTraceEnd({ sessionId: s, traceId: t, status: 'ok' })
    db.onRunEnd(s, 'sync-run', 'answer', 'completed', { tokens: 2 })
    if (!caps.reads) return
    const runs = db.getRunsSync(s)
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.input, r.output, r.metrics, r.metadata]), [['sync-run', 'completed', 'prompt', 'answer', { tokens: 2 }, { via: 'sync' }]])
    assert.deepEqual(await db.getRuns(s), runs, 'the async surface reads what the sync surface wrote')
    const traces = db.getTracesSync({ sessionId: s })
    assert.deepEqual(traces.map((x) => [x.id, x.status, x.userId, x.spans.map((sp) => [sp.id, sp.kind, sp.status])]), [[t, 'ok', 'sync-user', [['span', 'llm', 'ok']]]])
    assert.deepEqual(await db.getTraces({ sessionId: s }), traces)
    assert.deepEqual(db.getTracesSync({ userId: 'sync-user', limit: 5 }).map((x) => x.id), [t])
    assert.deepEqual(db.getHistorySync(s), [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'tool', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'r' },
    ])
  })

  it('rejects invalid runs, traces, spans and tool calls with a ValidationError before anything is written', async () => {
    const db = await fresh()
    const s = uid('invalid-records')
    const cases: [string, () => unknown][] = [
      ['bad run status', () => db.aonRunEnd(s, 'r', 'out', 'done' as 'completed')],
      ['running as an end status', () => db.aonRunEnd(s, 'r', 'out', 'running' as 'completed')],
      ['empty runId', () => db.aonRunStart(s, '', 'prompt')],
      ['non-string run input', () => db.aonRunStart(s, 'r', 42 as unknown as string)],
      ['bad trace status', () => db.aonTraceEnd({ sessionId: s, traceId: 't', status: 'fine' as 'ok' })],
      ['empty traceId', () => db.aonTraceStart({ sessionId: s, traceId: '', name: 'n' })],
      ['empty spanId', () => db.aonSpanStart({ sessionId: s, traceId: 't', spanId: '', name: 'n' })],
      ['bad span status', () => db.aonSpanEnd({ sessionId: s, traceId: 't', spanId: 'x', status: 'running' as 'ok' })],
      ['non-object span attributes', () => db.aonSpanStart({ sessionId: s, traceId: 't', spanId: 'x', name: 'n', attributes: [1] as unknown as Record<string, unknown> })],
      ['non-string tool call arguments', () => db.aonAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'c', name: 'n', arguments: { q: 1 } as unknown as string }] })],
      ['duplicate tool call ids', () => db.aonAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'c', name: 'a', arguments: '{}' }, { id: 'c', name: 'b', arguments: '{}' }] })],
      ['tool calls not an array', () => db.aonAgentMessage({ sessionId: s, content: '', toolCalls: 'c' as unknown as [] })],
      ['empty toolCallId', () => db.aonToolCall({ sessionId: s, toolName: 't', arguments: {}, toolCallId: '' })],
    ]
    for (const [label, run] of cases) {
      await expectError(run, ValidationError, label.includes('input') ? 'CONTENT_INVALID' : label.includes('attributes') ? 'JSON_UNFAITHFUL' : 'FIELD_INVALID').catch((error: unknown) => {
        throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`)
      })
    }
    if (caps.syncSurface) {
      assert.throws(() => db.onRunEnd(s, 'r', 'out', 'done' as 'completed'), (e: unknown) => e instanceof ValidationError && e.code === 'FIELD_INVALID')
      assert.throws(() => db.onSpanStart({ sessionId: s, traceId: 't', spanId: '', name: 'n' }), (e: unknown) => e instanceof ValidationError && e.code === 'FIELD_INVALID')
    }
    if (!caps.reads) return
    assert.equal(await db.getSession(s), null, 'no session was created by rejected writes')
    assert.deepEqual(await db.getRuns(s), [])
    assert.deepEqual(await db.getTraces({ sessionId: s }), [])
    assert.deepEqual(await db.getTimeline(s), [])
    await expectError(() => db.getRuns(s, { limit: 0 }), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.getTraces({ userId: '' }), ValidationError, 'FIELD_INVALID')
  })
}
