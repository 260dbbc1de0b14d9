import assert from 'node:assert/strict'
import {
  ConfigError, PraisonAIDB, StoreError, ValidationError, type Capabilities, type ExportRecord, type UserScope,
} from '../index.js'
import { expectError, uid } from './helpers.js'

/** What the user-scope tests need from the suite that runs them. */
export interface ScopeSuite {
  readonly it: (name: string, fn: () => Promise<void> | void) => unknown
  readonly caps: Capabilities
  /** A new `PraisonAIDB` on empty storage. */
  readonly fresh: () => Promise<PraisonAIDB>
}

const FORBIDDEN = 'SESSION_FORBIDDEN'

async function collect(records: AsyncIterable<ExportRecord>): Promise<ExportRecord[]> {
  const all: ExportRecord[] = []
  for await (const record of records) all.push(record)
  return all
}

/** Every write hook of `scope` on `s`, each expected to reject with SESSION_FORBIDDEN. */
function writesOf(scope: UserScope, s: string): (() => Promise<unknown>)[] {
  return [
    () => scope.aonUserMessage(s, 'intruder'),
    () => scope.aonAgentMessage({ sessionId: s, content: 'intruder', id: uid('m') }),
    () => scope.aonToolCall(s, 'probe', { a: 1 }, 'r'),
    () => scope.aonAgentStart(s, 'Intruder', 'i-1'),
    () => scope.aonAgentEnd(s, 'Intruder', 'i-1'),
    () => scope.aonRunStart(s, `${s}-run`, 'in'),
    () => scope.aonTraceStart({ sessionId: s, traceId: `${s}-trace`, name: 'x' }),
    () => scope.aonSpanStart({ sessionId: s, traceId: `${s}-trace`, spanId: 'sp', name: 'x' }),
  ]
}

/** The synchronous twins of `writesOf`. */
function syncWritesOf(scope: UserScope, s: string): (() => unknown)[] {
  return [
    () => scope.onUserMessage(s, 'intruder'),
    () => scope.onToolCall(s, 'probe', { a: 1 }, 'r'),
    () => scope.onAgentStart(s, 'Intruder', 'i-1'),
    () => scope.onRunEnd(s, `${s}-run`, 'out', 'completed'),
  ]
}

/** What a session holds, to show that a refused write changed nothing. */
async function snapshot(db: PraisonAIDB, s: string): Promise<unknown> {
  const [session, timeline, agents, runs, traces] = await Promise.all([db.getSession(s), db.getTimeline(s), db.getAgentStates(s), db.getRuns(s), db.getTraces({ sessionId: s })])
  return { session: session && { userId: session.userId, endedAt: session.endedAt }, timeline: timeline.map((i) => i.seq), agents: agents.length, runs: runs.length, traces: traces.length }
}

/**
 * `db.forUser(userId)` on every store that declares `userScopes` (the default): sessions of
 * the user only, for writes (checked by the store inside its write) and reads alike.
 */
export function scopeConformance({ it, caps, fresh }: ScopeSuite): void {
  if (caps.userScopes === false) {
    it('refuses forUser with ConfigError CAPABILITY_MISSING (the store cannot check a session\'s user inside its write)', async () => {
      const db = await fresh()
      await expectError(() => db.forUser('alice'), ConfigError, 'CAPABILITY_MISSING')
    })
    return
  }
  if (!caps.reads) return

  it('forUser: sessions a scope creates are its user\'s; its listings, searches and traces show only them', async () => {
    const db = await fresh()
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    const [a, b, none] = [uid('scope-a'), uid('scope-b'), uid('scope-none')]
    assert.equal(alice.userId, 'alice')
    assert.equal(db.userId, null)
    await alice.aonAgentStart(a, 'Helper')
    await alice.aonUserMessage(a, 'walrus tusks in alice session')
    await alice.aonTraceStart({ sessionId: a, traceId: `${a}-t`, name: 'turn' })
    await bob.aonUserMessage(b, 'walrus tusks in bob session')
    await bob.aonTraceStart({ sessionId: b, traceId: `${b}-t`, name: 'turn' })
    await db.aonUserMessage(none, 'walrus tusks in nobody session')
    assert.equal((await db.getSession(a))?.userId, 'alice')
    assert.equal((await db.getSession(b))?.userId, 'bob')
    assert.deepEqual((await alice.listSessions()).items.map((s) => s.id), [a])
    assert.deepEqual((await bob.listSessions()).items.map((s) => s.id), [b])
    assert.deepEqual((await db.listSessions()).items.map((s) => s.id).sort(), [a, b, none].sort(), 'the db itself still sees every session')
    assert.deepEqual((await alice.searchMessages({ query: 'walrus tusks' })).items.map((h) => h.sessionId), [a])
    assert.deepEqual((await alice.getTraces()).map((t) => [t.id, t.userId]), [[`${a}-t`, 'alice']])
    assert.deepEqual((await bob.getTraces()).map((t) => t.id), [`${b}-t`])
    await expectError(() => alice.listSessions({ userId: 'bob' }), StoreError, FORBIDDEN)
    await expectError(() => alice.searchMessages({ query: 'walrus', userId: 'bob' }), StoreError, FORBIDDEN)
    await expectError(() => alice.getTraces({ userId: 'bob' }), StoreError, FORBIDDEN)
    if (caps.syncSurface) {
      assert.deepEqual(alice.listSessionsSync().items.map((s) => s.id), [a])
      assert.deepEqual(alice.searchMessagesSync({ query: 'walrus' }).items.map((h) => h.sessionId), [a])
    }
  })

  it('forUser: writing a session of another user, or of nobody, rejects with SESSION_FORBIDDEN and writes nothing', async () => {
    const db = await fresh()
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    const [own, nobodys] = [uid('scope-own'), uid('scope-nobody')]
    await bob.aonAgentStart(own, 'Helper')
    await bob.aonUserMessage(own, 'mine')
    await db.aonUserMessage(nobodys, 'no user')
    for (const s of [own, nobodys]) {
      const before = await snapshot(db, s)
      for (const write of writesOf(alice, s)) await expectError(write, StoreError, FORBIDDEN)
      if (caps.syncSurface) for (const write of syncWritesOf(alice, s)) await expectError(write, StoreError, FORBIDDEN)
      assert.deepEqual(await snapshot(db, s), before, `nothing of the refused writes reached ${s}`)
    }
    assert.equal((await db.getSession(nobodys))?.userId, null, 'a refused scope does not take a session of nobody')
    await bob.aonUserMessage(own, 'still mine')
    assert.deepEqual((await bob.getMessages(own)).map((m) => m.content), ['mine', 'still mine'])
  })

  it('forUser: in one batch, only the forbidden write fails (each write of a failed batch is retried alone)', async () => {
    const db = await fresh()
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    const [mine, theirs, fresh1] = [uid('batch-mine'), uid('batch-theirs'), uid('batch-new')]
    await alice.aonUserMessage(mine, 'a0')
    await bob.aonUserMessage(theirs, 'b0')
    // started in one tick: a store with group commit takes them as one batch
    const outcomes = await Promise.allSettled([
      alice.aonUserMessage(mine, 'a1'),
      alice.aonUserMessage(theirs, 'intruder'),
      alice.aonToolCall(mine, 'calc', { x: 1 }, 2),
      alice.aonUserMessage(fresh1, 'first'),
      bob.aonUserMessage(fresh1, 'second, by another user'),
      alice.aonUserMessage(mine, 'a2'),
    ])
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof StoreError && o.reason.code === FORBIDDEN, String(o.reason))
    const timeline = await alice.getTimeline(mine)
    assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? i.message.content : i.toolCall.toolName)), ['a0', 'a1', 'calc', 'a2'])
    assert.deepEqual((await bob.getMessages(theirs)).map((m) => m.content), ['b0'])
    assert.equal((await db.getSession(fresh1))?.userId, 'alice', 'the first write of the batch created the session, the second user\'s was refused')
    assert.deepEqual((await db.getMessages(fresh1)).map((m) => m.content), ['first'])
  })

  it('forUser: reads of another user\'s session reject with SESSION_FORBIDDEN; an unknown session reads as empty', async () => {
    const db = await fresh()
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    const [b, none, unknown] = [uid('read-b'), uid('read-none'), uid('read-unknown')]
    await bob.aonAgentStart(b, 'Helper')
    await bob.aonUserMessage(b, 'private')
    await bob.aonRunStart(b, `${b}-run`, 'in')
    await db.aonUserMessage(none, 'nobody')
    for (const s of [b, none]) {
      for (const read of [
        () => alice.getSession(s), () => alice.getMessages(s), () => alice.getToolCalls(s), () => alice.getTimeline(s),
        () => alice.getAgentStates(s), () => alice.getRuns(s), () => alice.getHistory(s), () => alice.getTraces({ sessionId: s }),
        () => alice.searchMessages({ query: 'private', sessionId: s }), () => alice.deleteSession(s), () => collect(alice.exportSessions({ sessionIds: [s] })),
      ]) await expectError(read, StoreError, FORBIDDEN)
      if (caps.syncSurface) {
        for (const read of [() => alice.getSessionSync(s), () => alice.getMessagesSync(s), () => alice.getTimelineSync(s), () => alice.getHistorySync(s), () => alice.deleteSessionSync(s)]) {
          await expectError(read, StoreError, FORBIDDEN)
        }
      }
    }
    assert.equal((await db.getMessages(b)).length, 1, 'the refused delete removed nothing')
    assert.equal(await alice.getSession(unknown), null)
    assert.deepEqual(await alice.getMessages(unknown), [])
    assert.deepEqual(await alice.getTimeline(unknown), [])
    assert.equal(await alice.deleteSession(unknown), false)
    assert.deepEqual((await bob.getMessages(b)).map((m) => m.content), ['private'])
    assert.equal((await bob.getRuns(b)).length, 1)
    await expectError(() => alice.stats(), StoreError, FORBIDDEN)
  })

  it('forUser: delete, prune, export and import through a scope touch only the user\'s sessions', async () => {
    const db = await fresh()
    const alice = db.forUser('alice')
    const bob = db.forUser('bob')
    const [a1, a2, b1, none] = [uid('ops-a1'), uid('ops-a2'), uid('ops-b1'), uid('ops-none')]
    await alice.aonUserMessage(a1, 'one')
    await alice.aonUserMessage(a2, 'two')
    await bob.aonUserMessage(b1, 'bob')
    await db.aonUserMessage(none, 'nobody')
    const exported = await collect(alice.exportSessions())
    assert.deepEqual(exported.filter((r) => r.kind === 'session').map((r) => r.id).sort(), [a1, a2].sort())
    await expectError(() => collect(alice.exportSessions({ userId: 'bob' })), StoreError, FORBIDDEN)

    const pruned = await alice.pruneSessions({ inactiveSince: new Date(Date.now() + 60_000), dryRun: true })
    assert.deepEqual(pruned.sessions.map((s) => s.id).sort(), [a1, a2].sort())
    await expectError(() => alice.pruneSessions({ inactiveSince: new Date(Date.now() + 60_000), userId: 'bob' }), StoreError, FORBIDDEN)
    assert.equal(await alice.deleteSession(a2), true)
    assert.equal(await db.getSession(a2), null)

    // another user's export is refused by the scope; a session of nobody becomes the importer's
    const bobs = await collect(db.exportSessions({ sessionIds: [b1] }))
    await expectError(() => alice.importRecords(bobs), StoreError, FORBIDDEN)
    const nobody = await collect(db.exportSessions({ sessionIds: [none] }))
    await expectError(() => alice.importRecords(nobody), StoreError, FORBIDDEN) // stored as nobody's: not hers to write
    const target = await fresh()
    const carol = target.forUser('carol')
    const result = await carol.importRecords(nobody)
    assert.equal(result.sessions, 1)
    assert.equal((await target.getSession(none))?.userId, 'carol')
    assert.deepEqual((await carol.getMessages(none)).map((m) => m.content), ['nobody'])
    assert.equal((await db.getMessages(b1)).length, 1, 'bob\'s session is untouched')
  })

  it('forUser: validates the user id, names the scope\'s user on its writes, and leaves the lifecycle to the db', async () => {
    const db = await fresh()
    for (const bad of ['', 'x'.repeat(256), 42, null, undefined]) await expectError(() => db.forUser(bad as string), ValidationError, 'FIELD_INVALID')
    const alice = db.forUser('alice')
    assert.equal(alice.forUser('alice'), alice)
    await expectError(() => alice.forUser('bob'), StoreError, FORBIDDEN)
    const s = uid('named')
    await expectError(() => alice.aonUserMessage(s, 'x', { user_id: 'bob' }), ValidationError, 'FIELD_INVALID')
    await expectError(() => alice.aonAgentStart({ sessionId: s, name: 'A', userId: 'bob' }), ValidationError, 'FIELD_INVALID')
    await expectError(() => alice.aonTraceStart({ sessionId: s, traceId: 't', name: 'x', userId: 'bob' }), ValidationError, 'FIELD_INVALID')
    assert.equal(await db.getSession(s), null, 'nothing was written')
    await alice.aonUserMessage(s, 'x', { user_id: 'alice' })
    const asAny = alice as unknown as { aclose(): Promise<void>; close(): void }
    await expectError(() => asAny.aclose(), ConfigError, 'CAPABILITY_MISSING')
    await expectError(() => asAny.close(), ConfigError, 'CAPABILITY_MISSING')
    await alice.flush()
    await db.aclose()
    await alice.aonUserMessage(s, 'after the db closed: opens again, as the db does')
    assert.ok((await alice.getMessages(s)).some((m) => m.content.startsWith('after the db closed')))
  })
}
