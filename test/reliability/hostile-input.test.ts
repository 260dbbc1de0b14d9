// Issue 12, item 5: hostile input on every store. Model-based runs (fc.commands) drive the
// real store and the memory store (the oracle) with the same hooks: arbitrary unicode with lone
// surrogates and NUL, deep and wide metadata with `__proto__`/`constructor` keys, float64 edges,
// ids at the length limits, SQL-injection and Redis-command strings in every field. Both must
// accept a call or both refuse it with the same ValidationError, and after every call the
// session reads back the same from both: each value round-trips exactly or nothing is written.
// Replay with AGENTDB_SEED=<seed fast-check printed>; AGENTDB_LONG=1 runs 5 times as many.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { PraisonAIDB, ValidationError, type AgentState, type Message, type Session, type ToolCall } from '../../src/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'
import { LONG, recordFigure } from '../support/figures.js'
import { FLOAT_EDGES, INJECTIONS, hostileId, hostileJson, hostileMetadata, hostileString } from '../support/hostile.js'

const suffix = randomBytes(4).toString('hex')
const dir = mkdtempSync(join(tmpdir(), 'agentdb-hostile-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const seedOption = process.env['AGENTDB_SEED'] === undefined ? {} : { seed: Number(process.env['AGENTDB_SEED']) }

interface StoreUnderTest {
  readonly name: string
  /** fast-check runs (each up to 10 hooks) by default; the network stores take fewer. */
  readonly runs: number
  url(): Promise<string>
  cleanUp(): Promise<void>
}

let mysqlDatabase = ''
const STORES: readonly StoreUnderTest[] = [
  { name: 'memory', runs: 150, url: async () => 'memory:', cleanUp: async () => undefined },
  { name: 'sqlite', runs: 100, url: async () => join(dir, 'hostile.db'), cleanUp: async () => undefined },
  { name: 'postgres', runs: 40, url: async () => `postgresql://postgres@127.0.0.1:5432/test?schema=agentdb_hostile_${suffix}`, cleanUp: () => dropSchemas(`agentdb_hostile_${suffix}`) },
  {
    name: 'mariadb', runs: 40,
    url: async () => { mysqlDatabase = await createTestDatabase(); return rootUrl(mysqlDatabase) },
    cleanUp: () => dropTestDatabase(mysqlDatabase),
  },
  { name: 'redis', runs: 40, url: async () => `redis://127.0.0.1:6379/0?keyPrefix=agentdb-hostile-${suffix}:`, cleanUp: () => deleteKeys(`agentdb-hostile-${suffix}:`) },
]

// ---- what is compared: everything but the ids and clocks the library makes ----

const messageView = (m: Message): unknown => ({ seq: m.seq, role: m.role, content: m.content, metadata: m.metadata, runId: m.runId, sessionId: m.sessionId })
const toolView = (c: ToolCall): unknown => ({ seq: c.seq, toolName: c.toolName, arguments: c.arguments, result: c.result, error: c.error, durationMs: c.durationMs, metadata: c.metadata, runId: c.runId })
const sessionView = (s: Session | null): unknown => s && { id: s.id, userId: s.userId, agentId: s.agentId, name: s.name, metadata: s.metadata, ended: s.endedAt !== null }
const stateView = (a: AgentState): unknown => ({ name: a.name, agentId: a.agentId, status: a.status, metadata: a.metadata })

async function sessionState(db: PraisonAIDB, sessionId: string): Promise<unknown> {
  return {
    session: sessionView(await db.getSession(sessionId)),
    messages: (await db.getMessages(sessionId)).map(messageView),
    toolCalls: (await db.getToolCalls(sessionId)).map(toolView),
    // by name and agent id: stores list agents in start order, and two stores' clocks tie differently
    states: (await db.getAgentStates(sessionId)).map(stateView).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  }
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown }

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run()
    return { ok: true }
  } catch (error) {
    return { ok: false, error }
  }
}

const isValidSessionId = (id: string): boolean => id.length > 0 && id.length <= 255 && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(id)

interface Model { readonly db: PraisonAIDB; readonly pool: readonly string[]; counts: { accepted: number; refused: number } }
interface Real { readonly db: PraisonAIDB }

/** One hook, run on the oracle and the real store; then the session must read back the same from both. */
class HookCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: string, readonly slot: number, readonly call: (db: PraisonAIDB, sessionId: string) => Promise<unknown>) {}
  check(): boolean {
    return true
  }
  async run(model: Model, real: Real): Promise<void> {
    const sessionId = model.pool[this.slot % model.pool.length]!
    const expected = await outcomeOf(() => this.call(model.db, sessionId))
    const got = await outcomeOf(() => this.call(real.db, sessionId))
    if (expected.ok) assert.ok(got.ok, `${this.label} is accepted by the memory store but the store failed: ${got.ok ? '' : inspect(got.error)}`)
    else {
      assert.ok(expected.error instanceof ValidationError, `the memory store refused ${this.label} with ${inspect(expected.error)}`)
      assert.ok(!got.ok && got.error instanceof ValidationError && got.error.code === expected.error.code,
        `${this.label}: the memory store refused it with ValidationError ${expected.error.code}, the store gave ${got.ok ? 'success' : inspect(got.error)}`)
    }
    if (expected.ok) model.counts.accepted++
    else model.counts.refused++
    if (isValidSessionId(sessionId)) assert.deepStrictEqual(await sessionState(real.db, sessionId), await sessionState(model.db, sessionId), `session ${JSON.stringify(sessionId)} after ${this.label}`)
  }
  toString(): string {
    return this.label
  }
}

const slot = fc.nat(3)
const content = fc.oneof({ arbitrary: hostileString(60), weight: 8 }, { arbitrary: fc.constantFrom(...INJECTIONS), weight: 2 }, { arbitrary: hostileString(5000), weight: 1 })
const optionalId = fc.option(hostileId, { nil: undefined })

const commandArbitraries = [
  fc.tuple(slot, content, hostileMetadata(), fc.boolean(), optionalId).map(([s, text, metadata, objectForm, runId]) => new HookCommand(
    `aonUserMessage(${JSON.stringify(text.slice(0, 40))}, ${inspect(metadata, { depth: 3 }).slice(0, 200)}, runId ${JSON.stringify(runId)})`, s,
    (db, sessionId) => (objectForm || runId !== undefined
      ? db.aonUserMessage({ sessionId, content: text, metadata: metadata as Record<string, unknown>, runId })
      : db.aonUserMessage(sessionId, text, metadata as Record<string, unknown>)))),
  fc.tuple(slot, content).map(([s, text]) => new HookCommand(`aonAgentMessage(${JSON.stringify(text.slice(0, 40))})`, s, (db, sessionId) => db.aonAgentMessage(sessionId, text))),
  fc.tuple(slot, hostileId, hostileMetadata(), hostileJson(), hostileMetadata(), fc.option(hostileString(30), { nil: undefined })).map(([s, tool, args, result, metadata, error]) => new HookCommand(
    `aonToolCall(${JSON.stringify(tool.slice(0, 40))}, ${inspect(args, { depth: 3 }).slice(0, 200)}, ${inspect(result, { depth: 3 }).slice(0, 200)}, error ${JSON.stringify(error)})`, s,
    (db, sessionId) => db.aonToolCall({ sessionId, toolName: tool, arguments: args as Record<string, unknown>, result, metadata: metadata as Record<string, unknown>, error }))),
  fc.tuple(slot, hostileId, optionalId, hostileMetadata(), optionalId).map(([s, name, agentId, metadata, userId]) => new HookCommand(
    `aonAgentStart(${JSON.stringify(name.slice(0, 40))}, agentId ${JSON.stringify(agentId)}, userId ${JSON.stringify(userId)}, ${inspect(metadata, { depth: 3 }).slice(0, 200)})`, s,
    (db, sessionId) => db.aonAgentStart({ sessionId, name, agentId, metadata: metadata as Record<string, unknown>, userId }))),
  fc.tuple(slot, hostileId).map(([s, name]) => new HookCommand(`aonAgentEnd(${JSON.stringify(name.slice(0, 40))})`, s, (db, sessionId) => db.aonAgentEnd(sessionId, name))),
]

for (const store of STORES) {
  describe(`hostile input: ${store.name} against the memory store`, () => {
    let real: PraisonAIDB
    before(async () => {
      real = new PraisonAIDB(await store.url())
      await real.aonUserMessage('canary', 'must survive every injection string', { canary: true })
    })
    after(async () => {
      await real.aclose()
      await store.cleanUp()
    })

    it('agrees with the memory store on every hook sequence (fc.commands): same refusals, same values read back', async (t: TestContext) => {
      const counts = { accepted: 0, refused: 0 }
      const runs = LONG ? store.runs * 5 : store.runs
      await fc.assert(fc.asyncProperty(fc.uniqueArray(hostileId, { minLength: 1, maxLength: 4 }), fc.commands(commandArbitraries, { maxCommands: 10 }), async (pool, commands) => {
        // the real store persists across runs: forget what an earlier run wrote under these ids
        for (const id of pool) if (isValidSessionId(id)) await real.deleteSession(id)
        await using oracle = new PraisonAIDB('memory:')
        const model: Model = { db: oracle, pool, counts }
        await fc.asyncModelRun(() => ({ model, real: { db: real } }), commands)
      }), { numRuns: runs, ...seedOption })
      recordFigure((m) => t.diagnostic(m), `hostile input ${store.name}`, { runs, hooksAccepted: counts.accepted, hooksRefused: counts.refused })
      assert.ok(counts.accepted > 0 && counts.refused > 0, 'the runs had hooks of both kinds')
      assert.deepEqual((await real.getMessages('canary')).map((m) => m.content), ['must survive every injection string'])
    })

    it('puts each injection string in every field and reads it back verbatim', async () => {
      for (const [i, text] of INJECTIONS.entries()) {
        const sessionId = `inj-${i}-${text}`.slice(0, 255)
        const fields = { sessionId, content: text, metadata: { [text]: text, nested: { [text]: [text] } }, runId: text }
        await real.aonUserMessage(fields)
        await real.aonToolCall({ sessionId, toolName: text, arguments: { [text]: text }, result: text, error: text, metadata: { k: text } })
        await real.aonAgentStart({ sessionId, name: text, agentId: text, userId: text, metadata: { [text]: text } })
        const [message] = await real.getMessages(sessionId)
        assert.deepStrictEqual([message?.content, message?.metadata, message?.runId], [text, fields.metadata, text], JSON.stringify(text))
        const [call] = await real.getToolCalls(sessionId)
        assert.deepStrictEqual([call?.toolName, call?.arguments, call?.result, call?.error], [text, { [text]: text }, text, text])
        const session = await real.getSession(sessionId)
        assert.deepStrictEqual([session?.userId, session?.agentId], [text, text])
      }
      assert.deepEqual((await real.getMessages('canary')).map((m) => m.content), ['must survive every injection string'])
    })

    it('round-trips float64 edges, deep and wide metadata, prototype keys and ids at the limits', async () => {
      const floats = Object.fromEntries(FLOAT_EDGES.map((x, i) => [`f${i}`, x]))
      let deep: Record<string, unknown> = { leaf: 'bottom' }
      for (let i = 0; i < 150; i++) deep = { [`level${i}`]: deep }
      const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key-${i}`, i % 2 === 0 ? i : `v${i}`]))
      const proto = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "toString": "x"}') as Record<string, unknown>
      const cases: [string, Record<string, unknown>][] = [['floats', floats], ['deep (150 levels)', deep], ['wide (5000 keys)', wide], ['prototype keys', proto]]
      for (const [label, metadata] of cases) {
        await real.aonUserMessage(`edges-${label}`, label, metadata)
        const [message] = await real.getMessages(`edges-${label}`)
        assert.deepStrictEqual(message?.metadata, metadata, label)
      }
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype was polluted')
      for (const id of ['x'.repeat(255), `${'\ud83d\ude00'.repeat(127)}x`, 'é'.repeat(255)]) {
        await real.deleteSession(id) // the model-based runs use these ids too
        await real.aonToolCall({ sessionId: id, toolName: id, arguments: {} })
        await real.aonAgentStart({ sessionId: id, name: id, agentId: id, userId: id })
        assert.equal((await real.getToolCalls(id))[0]?.toolName, id)
        assert.equal((await real.getSession(id))?.userId, id)
      }
      for (const id of ['x'.repeat(256), '\ud83d\ude00'.repeat(128), '\ud800']) {
        await assert.rejects(real.aonUserMessage(id, 'x'), (e: unknown) => e instanceof ValidationError)
      }
    })

    it('keeps a __proto__ key in session and agent-state metadata', async () => {
      const metadata = JSON.parse('{"__proto__": {"isAdmin": true}, "plain": 1}') as Record<string, unknown>
      await real.aonAgentStart({ sessionId: 'proto-session', name: 'agent', metadata })
      const session = await real.getSession('proto-session')
      const [state] = await real.getAgentStates('proto-session')
      for (const read of [session?.metadata, state?.metadata]) {
        assert.deepEqual(Object.keys(read ?? {}).sort(), ['__proto__', 'plain'], 'the key is kept as data (in any order: jsonb sorts keys)')
        assert.equal(Object.getPrototypeOf(read), Object.prototype, 'and never becomes the prototype')
        assert.equal((read as Record<string, unknown>)['isAdmin'], undefined)
      }
    })

    it('stores -0 as 0 in every store (JSON has no -0)', async () => {
      await real.aonUserMessage('minus-zero', 'x', { x: -0, list: [-0] })
      const [message] = await real.getMessages('minus-zero')
      assert.ok(Object.is(message?.metadata['x'], 0), `read back ${String(message?.metadata['x'])}`)
      assert.ok(Object.is((message?.metadata['list'] as number[])[0], 0))
    })
  })
}
