import assert from 'node:assert/strict'
import {
  ConfigError, StoreError, ValidationError, type Capabilities, type HistoryAppend, type PraisonAIDB, type TimelineItem,
} from '../index.js'
import { expectError, uid } from './helpers.js'

/** What the history edit tests need from the suite that runs them. */
export interface HistorySuite {
  readonly it: (name: string, fn: () => Promise<void> | void) => unknown
  readonly caps: Capabilities
  /** A new `PraisonAIDB` on empty storage. */
  readonly fresh: () => Promise<PraisonAIDB>
}

/** A timeline as `seq:text` entries (a message's content, a tool call's name). */
const shape = (timeline: readonly TimelineItem[]): string[] =>
  timeline.map((i) => `${i.seq}:${i.kind === 'message' ? i.message.content : `tool ${i.toolCall.toolName}`}`)

const say = (content: string, role: 'user' | 'assistant' = 'assistant'): HistoryAppend => ({ kind: 'message', role, content })

/**
 * The conformance tests of history edits and session keys (issue 13's adapters build on
 * them): a tail rewritten atomically, a stale edit refused without change, seqs never
 * reused, edits inside group commits, and compare-and-set keys deleted with their session.
 * Part of `storeConformance`; a store without them (a user store) is tested to refuse them.
 */
export function historyConformance({ it, caps, fresh }: HistorySuite): void {
  const supported = (caps.historyEdit ?? true) && caps.reads

  it('refuses history edits and session keys with a typed error when it has none', async () => {
    if (supported) return
    const db = await fresh()
    await expectError(() => db.editHistory(uid('no-edit'), { afterSeq: 0, append: [] }), ConfigError, 'CAPABILITY_MISSING')
    await expectError(() => db.setSessionKey(uid('no-key'), 'k', 'v'), ConfigError, 'CAPABILITY_MISSING')
  })

  it('rewrites a session\'s tail: removes after afterSeq, appends at new seqs, never reusing one', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('edit')
    await db.aonUserMessage(s, 'q1')
    await db.aonAgentMessage(s, 'a1')
    await db.aonUserMessage(s, 'q2')
    await db.aonToolCall({ sessionId: s, toolName: 'lookup', arguments: { q: 2 }, result: 'r', toolCallId: 'call_old' })
    await db.aonAgentMessage(s, 'a2')
    const replaced = await db.editHistory(s, {
      afterSeq: 3, expectLastSeq: 5,
      append: [
        { kind: 'message', role: 'assistant', content: 'a2 again', toolCalls: [{ id: 'call_new', name: 'lookup', arguments: '{"q":3}' }], metadata: { n: 1 } },
        { kind: 'toolCall', toolName: 'lookup', arguments: { q: 3 }, result: { hits: 1 }, toolCallId: 'call_new', durationMs: 4 },
      ],
    })
    assert.deepEqual(replaced, { seqs: [6, 7] })
    assert.deepEqual(shape(await db.getTimeline(s)), ['1:q1', '2:a1', '3:q2', '6:a2 again', '7:tool lookup'])
    const [call] = await db.getToolCalls(s)
    assert.deepEqual([call?.seq, call?.toolCallId, call?.arguments, call?.result, call?.durationMs], [7, 'call_new', { q: 3 }, { hits: 1 }, 4])
    const appended = (await db.getMessages(s)).at(-1)
    assert.deepEqual([appended?.toolCalls, appended?.metadata, appended?.role], [[{ id: 'call_new', name: 'lookup', arguments: '{"q":3}' }], { n: 1 }, 'assistant'])

    // pop the last item, then append: the popped seq is not handed out again
    assert.deepEqual(await db.editHistory(s, { afterSeq: 6, expectLastSeq: 7, append: [] }), { seqs: [] })
    await db.aonUserMessage(s, 'q3')
    assert.deepEqual(shape(await db.getTimeline(s)), ['1:q1', '2:a1', '3:q2', '6:a2 again', '8:q3'])
    // an edit that expects the popped seq (a pop and an append since: ABA) is refused
    await expectError(() => db.editHistory(s, { afterSeq: 6, expectLastSeq: 7, append: [say('late')] }), StoreError, 'HISTORY_CONFLICT')

    // remove everything; runs, agent states and the session stay
    await db.aonAgentStart(s, 'Keeper')
    assert.deepEqual(await db.editHistory(s, { afterSeq: 0, expectLastSeq: 8, append: [say('fresh', 'user')] }), { seqs: [9] })
    assert.deepEqual(shape(await db.getTimeline(s)), ['9:fresh'])
    assert.equal((await db.getAgentStates(s)).length, 1)
    assert.ok(await db.getSession(s))
    assert.deepEqual(await db.editHistory(s, { afterSeq: 0, append: [] }), { seqs: [] }, 'without expectLastSeq an edit is unconditional')
    assert.deepEqual(await db.getTimeline(s), [])
    await db.aonAgentMessage(s, 'after all')
    assert.deepEqual(shape(await db.getTimeline(s)), ['10:after all'])
  })

  it('refuses a stale edit with HISTORY_CONFLICT and changes nothing', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('stale')
    for (const text of ['one', 'two', 'three']) await db.aonUserMessage(s, text)
    const before = await db.getTimeline(s)
    const session = await db.getSession(s)
    await expectError(() => db.editHistory(s, { afterSeq: 1, expectLastSeq: 2, append: [say('x')] }), StoreError, 'HISTORY_CONFLICT')
    await expectError(() => db.editHistory(s, { afterSeq: 0, expectLastSeq: null, append: [] }), StoreError, 'HISTORY_CONFLICT')
    await expectError(() => db.editHistory(s, { afterSeq: 0, expectLastSeq: 4, append: [] }), StoreError, 'HISTORY_CONFLICT')
    assert.deepEqual(await db.getTimeline(s), before)
    assert.deepEqual(await db.getSession(s), session, 'the session row is untouched too')
    await db.aonAgentMessage(s, 'four')
    assert.deepEqual((await db.getTimeline(s)).map((i) => i.seq), [1, 2, 3, 4], 'a refused edit takes no seq')

    const empty = uid('stale-new')
    await expectError(() => db.editHistory(empty, { afterSeq: 0, expectLastSeq: 1, append: [say('x')] }), StoreError, 'HISTORY_CONFLICT')
    assert.equal(await db.getSession(empty), null, 'a refused edit creates no session')
    assert.deepEqual(await db.editHistory(empty, { afterSeq: 0, expectLastSeq: null, append: [say('first', 'user'), say('second')] }), { seqs: [1, 2] })
    assert.deepEqual(shape(await db.getTimeline(empty)), ['1:first', '2:second'])
    assert.deepEqual(await db.editHistory(empty, { afterSeq: 2, expectLastSeq: 2, append: [] }), { seqs: [] }, 'a no-op edit whose expectation holds')
  })

  it('orders an edit with the writes around it in one group commit; a conflicting edit fails alone', async () => {
    if (!supported) return
    const db = await fresh()
    const [s, t] = [uid('batch-s'), uid('batch-t')]
    const others = Array.from({ length: 6 }, (_, i) => uid(`batch-other${i}`))
    await db.aonUserMessage(t, 't1')
    const writes: Promise<unknown>[] = []
    for (const o of others) writes.push(db.aonUserMessage(o, 'before'))
    writes.push(db.aonUserMessage(s, 's1'), db.aonUserMessage(s, 's2'))
    // sees the two writes of s fired just before it, as if each had been awaited
    const good = db.editHistory(s, { afterSeq: 1, expectLastSeq: 2, append: [say('s2 edited')] })
    const stale = db.editHistory(t, { afterSeq: 0, expectLastSeq: 7, append: [say('never')] })
    for (const o of others) writes.push(db.aonAgentMessage(o, 'after'))
    writes.push(db.aonAgentMessage(t, 't2'), db.aonAgentMessage(s, 's3'))
    const settled = await Promise.allSettled([good, stale, ...writes])
    assert.deepEqual(settled.map((r) => r.status), ['fulfilled', 'rejected', ...writes.map(() => 'fulfilled')])
    assert.ok(settled[1]!.status === 'rejected' && settled[1].reason instanceof StoreError && (settled[1].reason as StoreError).code === 'HISTORY_CONFLICT')
    assert.deepEqual(settled[0]!.status === 'fulfilled' ? settled[0].value : undefined, { seqs: [3] })
    assert.deepEqual(shape(await db.getTimeline(s)), ['1:s1', '3:s2 edited', '4:s3'])
    assert.deepEqual(shape(await db.getTimeline(t)), ['1:t1', '2:t2'])
    for (const o of others) assert.deepEqual(shape(await db.getTimeline(o)), ['1:before', '2:after'])

    // an edit that expects what was stored before a write fired just ahead of it is stale
    const ahead = db.aonUserMessage(t, 't3')
    const late = db.editHistory(t, { afterSeq: 0, expectLastSeq: 2, append: [] })
    const [wrote, refused] = await Promise.allSettled([ahead, late])
    assert.equal(wrote.status, 'fulfilled')
    assert.ok(refused.status === 'rejected' && refused.reason instanceof StoreError && (refused.reason as StoreError).code === 'HISTORY_CONFLICT')
    assert.deepEqual(shape(await db.getTimeline(t)), ['1:t1', '2:t2', '3:t3'])
  })

  it('appends an id it just removed, and leaves an id the session still holds as it is', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('ids')
    const [a, b] = [uid('msg-a'), uid('msg-b')]
    await db.aonUserMessage({ sessionId: s, content: 'A', id: a })
    await db.aonAgentMessage({ sessionId: s, content: 'B', id: b })
    assert.deepEqual(await db.editHistory(s, { afterSeq: 1, expectLastSeq: 2, append: [{ kind: 'message', role: 'assistant', content: 'B rewritten', id: b }] }), { seqs: [3] })
    const messages = await db.getMessages(s)
    assert.deepEqual(messages.map((m) => [m.id, m.seq, m.content]), [[a, 1, 'A'], [b, 3, 'B rewritten']])
    await db.editHistory(s, { afterSeq: 3, expectLastSeq: 3, append: [{ kind: 'message', role: 'user', content: 'A again', id: a }, say('new')] })
    assert.deepEqual(shape(await db.getTimeline(s)), ['1:A', '3:B rewritten', '5:new'], 'the stored id stands; the next record keeps its own seq')
    await expectError(() => db.editHistory(s, { afterSeq: 0, append: [{ ...say('x'), id: 'twice' }, { ...say('y'), id: 'twice' }] }), ValidationError, 'FIELD_INVALID')
  })

  it('keeps the search index in step with an edit', async () => {
    if (!supported || !(caps.operations ?? caps.reads)) return
    const db = await fresh()
    const s = uid('edit-search')
    await db.aonUserMessage(s, 'the platypus swims')
    await db.aonAgentMessage(s, 'a capybara answers')
    const found = async (word: string): Promise<number[]> => (await db.searchMessages({ query: word, sessionId: s })).items.map((h) => h.seq)
    assert.deepEqual(await found('capybara'), [2])
    await db.editHistory(s, { afterSeq: 1, append: [say('an axolotl answers')] })
    assert.deepEqual(await found('capybara'), [], 'a removed message is not found')
    assert.deepEqual(await found('axolotl'), [3])
    assert.deepEqual(await found('platypus'), [1])
  })

  it('validates an edit before anything is written', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('edit-invalid')
    const cases: [string, () => Promise<unknown>, string][] = [
      ['negative afterSeq', () => db.editHistory(s, { afterSeq: -1, append: [] }), 'FIELD_INVALID'],
      ['fractional afterSeq', () => db.editHistory(s, { afterSeq: 1.5, append: [] }), 'FIELD_INVALID'],
      ['string afterSeq', () => db.editHistory(s, { afterSeq: '1' as unknown as number, append: [] }), 'FIELD_INVALID'],
      ['negative expectLastSeq', () => db.editHistory(s, { afterSeq: 0, expectLastSeq: -2, append: [] }), 'FIELD_INVALID'],
      ['append not an array', () => db.editHistory(s, { afterSeq: 0, append: 'x' as unknown as HistoryAppend[] }), 'FIELD_INVALID'],
      ['unknown kind', () => db.editHistory(s, { afterSeq: 0, append: [{ kind: 'note' } as unknown as HistoryAppend] }), 'FIELD_INVALID'],
      ['unknown role', () => db.editHistory(s, { afterSeq: 0, append: [{ kind: 'message', role: 'robot', content: 'x' } as unknown as HistoryAppend] }), 'FIELD_INVALID'],
      ['tool calls on a user message', () => db.editHistory(s, { afterSeq: 0, append: [{ kind: 'message', role: 'user', content: 'x', toolCalls: [{ id: 'c', name: 'n', arguments: '{}' }] }] }), 'FIELD_INVALID'],
      ['lone surrogate content', () => db.editHistory(s, { afterSeq: 0, append: [say('ok'), say('bad \ud800')] }), 'CONTENT_INVALID'],
      ['BigInt tool argument', () => db.editHistory(s, { afterSeq: 0, append: [{ kind: 'toolCall', toolName: 't', arguments: { n: 1n } as unknown as Record<string, never> }] }), 'JSON_UNFAITHFUL'],
      ['empty tool name', () => db.editHistory(s, { afterSeq: 0, append: [{ kind: 'toolCall', toolName: '' }] }), 'FIELD_INVALID'],
      ['a createdAt of its own', () => db.editHistory(s, { afterSeq: 0, append: [{ ...say('x'), createdAt: '2024-01-01T00:00:00.000Z' } as unknown as HistoryAppend] }), 'FIELD_INVALID'],
      ['empty session id', () => db.editHistory('', { afterSeq: 0, append: [] }), 'SESSION_ID_INVALID'],
    ]
    for (const [label, run, code] of cases) {
      await expectError(run, ValidationError, code).catch((error: unknown) => {
        throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`)
      })
    }
    assert.equal(await db.getSession(s), null, 'no session was created by refused edits')
    if (caps.syncSurface) assert.throws(() => db.editHistorySync(s, { afterSeq: -1, append: [] }), (e: unknown) => e instanceof ValidationError)
  })

  it('sets, compares-and-sets and clears session keys', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('keys')
    assert.equal(await db.getSessionKey(s, 'activeStream'), null)
    assert.equal(await db.setSessionKey(s, 'activeStream', 'other', { expect: 'stream-0' }), false, 'a lost compare-and-set is an answer, not an error')
    assert.equal(await db.getSession(s), null, 'a lost compare-and-set creates no session')
    assert.equal(await db.setSessionKey(s, 'activeStream', 'stream-1'), true)
    assert.equal(await db.getSessionKey(s, 'activeStream'), 'stream-1')
    assert.ok(await db.getSession(s), 'a set creates its session')
    assert.equal(await db.setSessionKey(s, 'activeStream', null, { expect: 'stream-0' }), false, 'compare-and-clear of another stream')
    assert.equal(await db.getSessionKey(s, 'activeStream'), 'stream-1')
    assert.equal(await db.setSessionKey(s, 'activeStream', 'stream-2', { expect: null }), false, 'expect absent, but it is set')
    assert.equal(await db.setSessionKey(s, 'activeStream', 'stream-2', { expect: 'stream-1' }), true)
    assert.equal(await db.setSessionKey(s, 'activeStream', null, { expect: 'stream-2' }), true, 'compare-and-clear')
    assert.equal(await db.getSessionKey(s, 'activeStream'), null)
    assert.equal(await db.setSessionKey(s, 'activeStream', 'stream-3', { expect: null }), true)
    assert.equal(await db.setSessionKey(s, 'activeStream', null), true)
    assert.equal(await db.setSessionKey(s, 'activeStream', null), true, 'clearing an absent key is applied')
    assert.equal(await db.getSessionKey(s, 'activeStream'), null)

    const nasty = 'nul \u0000 emoji 🧠 quotes \'" \r\n *3\r\n$3\r\nDEL \'); DROP TABLE session_keys; --'
    const big = '🧠'.repeat(16 * 1024) // 64 KiB of UTF-8
    await db.setSessionKey(s, 'nasty \u0000 key 🔑', nasty)
    await db.setSessionKey(s, 'big', big)
    await db.setSessionKey(s, 'k'.repeat(255), '')
    assert.equal(await db.getSessionKey(s, 'nasty \u0000 key 🔑'), nasty)
    assert.equal(await db.getSessionKey(s, 'big'), big)
    assert.equal(await db.getSessionKey(s, 'k'.repeat(255)), '', 'an empty value is a value, not absence')
    assert.equal(await db.setSessionKey(s, 'big', 'small', { expect: big }), true)
    assert.equal(await db.getSessionKey(uid('keys-other'), 'big'), null, 'keys belong to their session')

    await expectError(() => db.setSessionKey(s, 'big', `${big}x`), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.setSessionKey(s, '', 'v'), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.setSessionKey(s, 'k'.repeat(256), 'v'), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.setSessionKey(s, 'k', 42 as unknown as string), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.setSessionKey(s, 'k', 'bad \udc00'), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.getSessionKey(s, ''), ValidationError, 'FIELD_INVALID')
    await expectError(() => db.getSessionKey('', 'k'), ValidationError, 'SESSION_ID_INVALID')
  })

  it('lets one of many concurrent compare-and-sets win', async () => {
    if (!supported) return
    const db = await fresh()
    const s = uid('keys-race')
    await db.aonUserMessage(s, 'chat')
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => db.setSessionKey(s, 'activeStream', `stream-${i}`, { expect: null })))
    assert.equal(answers.filter(Boolean).length, 1, 'exactly one claim wins')
    assert.equal(await db.getSessionKey(s, 'activeStream'), `stream-${answers.indexOf(true)}`)
    const clears = await Promise.all([0, 1, 2].map(() => db.setSessionKey(s, 'activeStream', null, { expect: `stream-${answers.indexOf(true)}` })))
    assert.deepEqual(clears.filter(Boolean).length, 1, 'exactly one compare-and-clear wins')
  })

  it('deletes session keys with their session', async () => {
    if (!supported) return
    const db = await fresh()
    const [s, kept] = [uid('keys-del'), uid('keys-kept')]
    await db.setSessionKey(s, 'activeStream', 'stream-1')
    await db.setSessionKey(kept, 'activeStream', 'stream-k')
    assert.equal(await db.deleteSession(s), true)
    assert.equal(await db.getSessionKey(s, 'activeStream'), null)
    assert.equal(await db.setSessionKey(s, 'activeStream', 'stream-2', { expect: null }), true, 'a new session of the same id starts without keys')
    assert.equal(await db.getSessionKey(kept, 'activeStream'), 'stream-k')
    if (caps.operations ?? caps.reads) {
      await db.pruneSessions({ inactiveSince: new Date(Date.now() + 60_000) })
      assert.equal(await db.getSessionKey(kept, 'activeStream'), null, 'pruned with its session')
    }
  })

  it('edits and keeps keys on the synchronous surface too', async () => {
    if (!supported || !caps.syncSurface) return
    const db = await fresh()
    const s = uid('edit-sync')
    db.onUserMessage(s, 'q')
    db.onAgentMessage(s, 'draft')
    assert.deepEqual(db.editHistorySync(s, { afterSeq: 1, expectLastSeq: 2, append: [say('final')] }), { seqs: [3] })
    assert.throws(() => db.editHistorySync(s, { afterSeq: 1, expectLastSeq: 2, append: [] }), (e: unknown) => e instanceof StoreError && e.code === 'HISTORY_CONFLICT')
    assert.deepEqual(shape(db.getTimelineSync(s)), ['1:q', '3:final'])
    assert.deepEqual(shape(await db.getTimeline(s)), ['1:q', '3:final'], 'the async surface sees the sync edit')
    assert.deepEqual(await db.editHistory(s, { afterSeq: 1, expectLastSeq: 3, append: [say('async')] }), { seqs: [4] })
    assert.deepEqual(shape(db.getTimelineSync(s)), ['1:q', '4:async'], 'and the sync surface the async one')
    assert.equal(db.setSessionKeySync(s, 'k', 'v1', { expect: null }), true)
    assert.equal(db.setSessionKeySync(s, 'k', 'v2', { expect: 'v0' }), false)
    assert.equal(db.getSessionKeySync(s, 'k'), 'v1')
    assert.equal(await db.getSessionKey(s, 'k'), 'v1')
  })
}
