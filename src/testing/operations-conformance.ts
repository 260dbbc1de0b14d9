import assert from 'node:assert/strict'
import {
  ConfigError, PraisonAIDB, StoreError, ValidationError, type Capabilities, type ExportRecord, type Session,
} from '../index.js'
import { expectError, pause, uid } from './helpers.js'

/** What the operation tests need from the suite that runs them. */
export interface OperationSuite {
  readonly it: (name: string, fn: () => Promise<void> | void) => unknown
  readonly caps: Capabilities
  /** A new `PraisonAIDB` on empty storage. */
  readonly fresh: () => Promise<PraisonAIDB>
}

async function collect(records: AsyncIterable<ExportRecord>): Promise<ExportRecord[]> {
  const all: ExportRecord[] = []
  for await (const record of records) all.push(record)
  return all
}

/** A session with one of every record: messages, an assistant turn's tool calls, tool calls, an agent's start and end, a run, a trace with nested spans. */
async function writeRichSession(db: PraisonAIDB, s: string): Promise<void> {
  await db.aonAgentStart({ sessionId: s, name: 'helper', agentId: 'agent-7', metadata: { user_id: 'user-rich', tier: 'gold' } })
  await db.aonRunStart({ sessionId: s, runId: `${s}-run`, inputContent: 'what is the weather', metadata: { model: 'm1' } })
  await db.aonTraceStart({ sessionId: s, traceId: `${s}-trace`, name: 'turn', runId: `${s}-run`, userId: 'user-rich', metadata: { t: 1 } })
  await db.aonSpanStart({ sessionId: s, traceId: `${s}-trace`, spanId: 'root', name: 'agent', kind: 'agent', attributes: { a: [1, 'two'] } })
  await db.aonUserMessage({ sessionId: s, content: 'what is the weather in Oslo 🌧', metadata: { lang: 'en', nested: { deep: [null, true, 1.5] } } })
  await pause(2)
  await db.aonSpanStart({ sessionId: s, traceId: `${s}-trace`, spanId: 'llm', parentSpanId: 'root', name: 'chat', kind: 'llm' })
  await db.aonAgentMessage({ sessionId: s, content: '', toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city": "Oslo", "n": 1.50}' }] })
  await db.aonSpanEnd({ sessionId: s, traceId: `${s}-trace`, spanId: 'llm', status: 'ok', attributes: { tokens: 42 } })
  await db.aonToolCall({ sessionId: s, toolName: 'weather', arguments: { city: 'Oslo' }, result: { c: -3, sky: 'rain' }, toolCallId: 'call_1', durationMs: 12.25 })
  await db.aonToolCall({ sessionId: s, toolName: 'broken', arguments: {}, result: null, error: 'it failed \u0000 badly' })
  await db.aonAgentMessage(s, 'It rains in Oslo, -3 °C.')
  await db.aonSpanEnd({ sessionId: s, traceId: `${s}-trace`, spanId: 'root', status: 'error', error: 'late' })
  await db.aonTraceEnd({ sessionId: s, traceId: `${s}-trace`, status: 'ok' })
  await db.aonRunEnd({ sessionId: s, runId: `${s}-run`, outputContent: 'It rains', status: 'completed', metrics: { promptTokens: 10, completionTokens: 5, ms: 830 } })
  await db.aonAgentEnd(s, 'helper', 'agent-7')
}

/** An export of one old session built by hand: times chosen, seqs with gaps. */
function oldSession(id: string, at: string, userId: string | null, ended: boolean): ExportRecord[] {
  const session: Session = { id, userId, agentId: null, name: null, metadata: {}, createdAt: at, updatedAt: at, endedAt: ended ? at : null }
  return [
    { kind: 'session', ...session },
    { kind: 'message', id: `${id}-m1`, sessionId: id, seq: 5, role: 'user', content: 'an old question', metadata: {}, createdAt: at, runId: null, toolCalls: null },
    { kind: 'toolCall', id: `${id}-t1`, sessionId: id, seq: 9, toolName: 'lookup', arguments: {}, result: 1, error: null, durationMs: null, metadata: {}, createdAt: at, runId: null, toolCallId: null },
    { kind: 'run', id: `${id}-r1`, sessionId: id, status: 'completed', input: 'q', output: 'a', metrics: {}, metadata: {}, startedAt: at, endedAt: at },
  ]
}

const header: ExportRecord = { kind: 'header', format: 'agentdb-export', version: 1 }

/**
 * The conformance tests of issue 11's operations: full-text search, prune, export/import
 * and stats. Part of `storeConformance`; every store runs them unchanged. A store without
 * them (a user store lacking the methods) is tested to refuse them with a typed error.
 */
export function operationConformance({ it, caps, fresh }: OperationSuite): void {
  const supported = caps.operations ?? caps.reads

  it('refuses search, prune, export, import and stats with a typed error when it has none', async () => {
    if (supported) return
    const db = await fresh()
    await expectError(() => db.searchMessages({ query: 'x' }), ConfigError, 'CAPABILITY_MISSING')
    await expectError(() => db.stats(), ConfigError, 'CAPABILITY_MISSING')
  })

  it('searches message content: every word matched, best match first, with session and seq, filtered and paged', async () => {
    if (!supported) return
    const db = await fresh()
    const [a, b, c] = [uid('search-a'), uid('search-b'), uid('search-c')]
    const [word, other] = [`wombat`, `zeppelin`]
    await db.aonUserMessage({ sessionId: a, content: `the ${word} sleeps under the bridge`, metadata: { user_id: 'searcher-1', agent_id: 'agent-s' } })
    await db.aonAgentMessage(a, 'nothing to see here')
    await db.aonAgentMessage(a, `${word} ${word} and a ${other}: ${word}!`)
    await db.aonUserMessage({ sessionId: b, content: `a ${other} flies over the ${word}`, metadata: { user_id: 'searcher-2' } })
    await db.aonUserMessage(c, `${word.toUpperCase()}S are not wombats in every store, but this one says ${other}`)
    const page = await db.searchMessages({ query: `${word} ${other}` })
    assert.ok(page.items.length >= 2, 'both messages holding both words are found')
    assert.deepEqual([page.items[0]!.sessionId, page.items[0]!.seq], [a, 3], 'the message with the most occurrences of both words comes first')
    for (const hit of page.items) {
      assert.equal(hit.message.sessionId, hit.sessionId)
      assert.equal(hit.message.seq, hit.seq)
    }
    assert.ok(page.items.some((h) => h.sessionId === b && h.seq === 1))
    const single = await db.searchMessages({ query: word })
    assert.deepEqual(single.items.filter((h) => h.sessionId !== c).map((h) => `${h.sessionId === a ? 'a' : 'b'}${h.seq}`).sort(), ['a1', 'a3', 'b1'])
    assert.deepEqual(single.items[0]?.seq, 3, 'three occurrences rank above one')
    assert.deepEqual((await db.searchMessages({ query: word, userId: 'searcher-2' })).items.map((h) => h.sessionId), [b], 'by user')
    assert.deepEqual((await db.searchMessages({ query: word, agentId: 'agent-s' })).items.map((h) => h.seq).sort(), [1, 3], 'by agent')
    assert.deepEqual((await db.searchMessages({ query: word, sessionId: b })).items.map((h) => h.seq), [1], 'by session')
    assert.deepEqual((await db.searchMessages({ query: word, sessionId: b, userId: 'searcher-1' })).items, [], 'filters combine')
    const first = await db.searchMessages({ query: word, limit: 1, userId: 'searcher-1' })
    assert.equal(first.items.length, 1)
    assert.ok(first.nextCursor !== null)
    const second = await db.searchMessages({ query: word, limit: 1, userId: 'searcher-1', cursor: first.nextCursor })
    assert.deepEqual([second.items.length, second.nextCursor], [1, null], 'the second page holds what is left')
    assert.deepEqual([...first.items, ...second.items].map((h) => h.seq), [3, 1])
    assert.deepEqual((await db.searchMessages({ query: 'quokka' })).items, [], 'a word nobody wrote')
    for (const nasty of ['"a OR', 'NEAR(x y', '*', '-wombat', "'); DROP TABLE messages; --", 'col:wombat', '^wombat', '   ', '']) {
      const result = await db.searchMessages({ query: nasty })
      assert.ok(Array.isArray(result.items), `query syntax in ${JSON.stringify(nasty)} is not read as syntax`)
    }
    await db.deleteSession(a)
    assert.deepEqual((await db.searchMessages({ query: word, userId: 'searcher-1' })).items, [], 'a deleted session is no longer found')
    await expectError(() => db.searchMessages({ query: 42 as unknown as string }), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.searchMessages({ query: word, limit: 0 }), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.searchMessages({ query: word, cursor: 'not a cursor' }), ValidationError, 'FIELD_INVALID')
    if (caps.syncSurface) assert.deepEqual(db.searchMessagesSync({ query: word, sessionId: b }).items.map((h) => h.seq), [1])
  })

  it('exports every record and imports it losslessly and idempotently, into a store of its kind and into memory', async () => {
    if (!supported) return
    const db = await fresh()
    const [s1, s2] = [uid('export-1'), uid('export-2')]
    await writeRichSession(db, s1)
    const keys = caps.historyEdit ?? true
    if (keys) await db.setSessionKey(s1, 'activeStream', 'stream \u0000 🧠')
    await db.aonUserMessage(s2, 'second session')
    const exported = await collect(db.exportSessions({ sessionIds: [s1, s2] }))
    assert.deepEqual(exported[0], header)
    const kinds = exported.map((r) => r.kind)
    assert.deepEqual(kinds, [
      'header', 'session', 'message', 'message', 'message', 'toolCall', 'toolCall', 'agentState', 'run', 'trace', 'span', 'span', ...(keys ? ['sessionKey'] : []), 'session', 'message',
    ])
    const key = exported.find((r) => r.kind === 'sessionKey')
    if (keys) assert.ok(key?.kind === 'sessionKey' && key.name === 'activeStream' && key.value === 'stream \u0000 🧠' && key.sessionId === s1, 'a session key goes with its session')
    const span = exported.find((r) => r.kind === 'span')
    assert.ok(span?.kind === 'span' && span.spanKind === 'agent', 'a span\'s own kind is spanKind')

    const target = await fresh()
    const first = await target.importRecords(exported)
    assert.deepEqual(first, { sessions: 2, added: exported.length - 1, skipped: 0 })
    assert.deepEqual(await collect(target.exportSessions({ sessionIds: [s1, s2] })), exported, 'every field, seq, id and time survives')
    assert.deepEqual(await target.importRecords(exported), { sessions: 2, added: 0, skipped: exported.length - 1 }, 'importing twice adds nothing')
    assert.deepEqual(await collect(target.exportSessions({ sessionIds: [s1, s2] })), exported)
    const memory = new PraisonAIDB('memory:')
    await memory.importRecords(exported)
    assert.deepEqual(await collect(memory.exportSessions({ sessionIds: [s1, s2] })), exported, 'and into memory')
    await memory.aclose()
    if (keys) assert.equal(await target.getSessionKey(s1, 'activeStream'), 'stream \u0000 🧠', 'an imported key reads back')

    await target.aonUserMessage(s2, 'after the import')
    assert.deepEqual((await target.getMessages(s2)).map((m) => m.seq), [1, 2], 'the seq counter continues after the imported records')
    assert.ok((await collect(db.exportSessions({ userId: 'user-rich' }))).some((r) => r.kind === 'session' && r.id === s1), 'by user')
    const since = await collect(db.exportSessions({ since: new Date(Date.now() + 60_000) }))
    assert.deepEqual(since, [header], 'since a time after every write: nothing')
    assert.deepEqual(await collect(db.exportSessions({ sessionIds: [uid('absent')] })), [header])
    if (caps.syncSurface) assert.deepEqual([...db.exportSessionsSync({ sessionIds: [s1, s2] })], exported)
  })

  it('imports seqs with gaps as they are, refuses a seq taken by another record, and validates before it writes', async () => {
    if (!supported) return
    const db = await fresh()
    const [old, next, bad] = [uid('old'), uid('next'), uid('bad')]
    const records = [header, ...oldSession(old, '2020-01-02T03:04:05.678Z', 'user-old', true)]
    assert.deepEqual(await db.importRecords(records), { sessions: 1, added: 4, skipped: 0 })
    assert.deepEqual((await db.getTimeline(old)).map((i) => i.seq), [5, 9])
    const session = await db.getSession(old)
    assert.deepEqual([session?.createdAt, session?.updatedAt, session?.endedAt], ['2020-01-02T03:04:05.678Z', '2020-01-02T03:04:05.678Z', '2020-01-02T03:04:05.678Z'])
    await db.aonAgentMessage(old, 'new')
    assert.deepEqual((await db.getTimeline(old)).map((i) => i.seq), [5, 9, 10])

    const clash: ExportRecord[] = [
      ...oldSession(old, '2020-01-02T03:04:05.678Z', 'user-old', true).slice(0, 1),
      { kind: 'message', id: uid('other-id'), sessionId: old, seq: 9, role: 'user', content: 'clash', metadata: {}, createdAt: '2020-01-02T03:04:05.678Z', runId: null, toolCalls: null },
      { kind: 'run', id: 'run-of-clash', sessionId: old, status: 'running', input: '', output: null, metrics: {}, metadata: {}, startedAt: '2020-01-02T03:04:05.678Z', endedAt: null },
    ]
    await expectError(() => db.importRecords(clash), StoreError, 'IMPORT_CONFLICT')
    assert.deepEqual((await db.getRuns(old)).map((r) => r.id), [`${old}-r1`], 'nothing of the conflicting session was written')

    const broken = [header, ...oldSession(next, '2021-01-01T00:00:00.000Z', null, false), ...oldSession(bad, '2021-01-01T00:00:00.000Z', null, false)]
    const position = broken.findIndex((r) => r.kind === 'toolCall' && r.sessionId === bad)
    broken[position] = { ...broken[position]!, seq: -1 } as ExportRecord
    let caught: unknown
    try {
      await db.importRecords(broken)
    } catch (error) {
      caught = error
    }
    assert.ok(caught instanceof ValidationError, String(caught))
    assert.match(caught.message, new RegExp(`record ${position + 1} \\(toolCall\\)`), 'the error names the bad record\'s position')
    assert.ok((await db.getSession(next)) !== null, 'the session before the bad one was imported')
    assert.equal(await db.getSession(bad), null, 'nothing of the bad record\'s session was written')
    await expectError(() => db.importRecords([{ kind: 'message', sessionId: 'x' }]), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.importRecords([{ kind: 'header', format: 'other', version: 1 }]), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.importRecords([...oldSession(uid('mix'), '2021-01-01T00:00:00.000Z', null, false), ...oldSession(next, '2021-01-01T00:00:00.000Z', null, false).slice(1, 2)]), ValidationError, 'FIELD_INVALID')
  })

  it('prunes sessions ended or inactive before a time, with everything of theirs, or only reports them on a dry run', async () => {
    if (!supported) return
    const db = await fresh()
    const [ended, idle, mine, fresh1] = [uid('p-ended'), uid('p-idle'), uid('p-mine'), uid('p-fresh')]
    await db.importRecords([
      header,
      ...oldSession(ended, '2019-05-05T00:00:00.000Z', 'prune-user', true),
      ...oldSession(idle, '2019-06-06T00:00:00.000Z', 'prune-user', false),
      ...oldSession(mine, '2019-07-07T00:00:00.000Z', 'prune-other', false),
    ])
    await writeRichSession(db, fresh1)
    const ids = (r: { sessions: readonly Session[] }): string[] => r.sessions.map((s) => s.id).sort()
    const dry = await db.pruneSessions({ inactiveSince: '2020-01-01T00:00:00Z', userId: 'prune-user', dryRun: true })
    assert.deepEqual([dry.dryRun, ids(dry)], [true, [ended, idle].sort()])
    assert.ok((await db.getSession(ended)) !== null, 'a dry run deletes nothing')
    const byEnd = await db.pruneSessions({ endedBefore: new Date('2020-01-01T00:00:00Z') })
    assert.deepEqual(ids(byEnd), [ended], 'endedBefore takes only sessions that ended')
    assert.equal(await db.getSession(ended), null)
    assert.deepEqual([await db.getMessages(ended), await db.getToolCalls(ended), await db.getRuns(ended)], [[], [], []], 'everything of the session went with it')
    let progress = 0
    const rest = await db.pruneSessions({ inactiveSince: '2020-01-01T00:00:00.000Z' }, { onProgress: (n) => { progress = n } })
    assert.deepEqual([rest.dryRun, ids(rest), progress], [false, [idle, mine].sort(), 2])
    assert.ok((await db.getSession(fresh1)) !== null, 'a session written now is kept')
    assert.equal((await db.getMessages(fresh1)).length, 3)
    await expectError(() => db.pruneSessions({}), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.pruneSessions({ inactiveSince: 'last tuesday' }), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.pruneSessions({ endedBefore: new Date(Number.NaN) }), ValidationError, 'FIELD_INVALID')
    if (caps.syncSurface) assert.deepEqual(db.pruneSessionsSync({ inactiveSince: '2020-01-01T00:00:00Z', dryRun: true }).sessions, [])
  })

  it('counts what it holds (stats)', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('stats')
    await writeRichSession(db, s)
    const stats = await db.stats()
    assert.ok(stats.sessions >= 1 && stats.messages >= 3 && stats.toolCalls >= 2 && stats.agentStates >= 1 && stats.runs >= 1 && stats.traces >= 1 && stats.spans >= 2, JSON.stringify(stats))
    assert.ok(stats.oldestSession !== null && stats.newestActivity !== null && stats.oldestSession <= stats.newestActivity)
    if (caps.syncSurface) assert.equal(db.statsSync().messages, stats.messages)
  })
}
