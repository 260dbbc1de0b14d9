import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ConfigError, PraisonAIDB, StoreError, type AgentState, type Message, type ToolCall,
} from '../../src/index.js'

async function rejects(run: () => Promise<unknown>, type: typeof ConfigError | typeof StoreError, code: string): Promise<void> {
  await assert.rejects(run, (e: unknown) => e instanceof type && e.code === code)
}

describe('user stores (seed: Sync Store Compatibility, Native Async Store)', () => {
  it('uses a sync-only store from the async surface, with full records', async () => {
    const seen: Message[] = []
    const store = { addMessage(message: Message) { seen.push(message) } }
    await using db = new PraisonAIDB(store)
    await db.aonUserMessage('session_1', 'Hello')
    await db.aonAgentMessage('session_1', 'Hi', { a: 1 })
    assert.deepEqual(seen.map((m) => [m.sessionId, m.seq, m.role, m.content]), [['session_1', 1, 'user', 'Hello'], ['session_1', 2, 'assistant', 'Hi']])
    assert.deepEqual(seen[1]?.metadata, { a: 1 })
    db.onUserMessage('session_1', 'sync too')
    assert.equal(seen[2]?.seq, 3)
  })

  it('prefers the async twin on the async surface and the sync method on the sync surface', async () => {
    const calls: string[] = []
    class Store {
      async asyncAddMessage(m: Message): Promise<void> { calls.push(`async:${m.content}`) }
      addMessage(m: Message): void { calls.push(`sync:${m.content}`) }
    }
    await using db = new PraisonAIDB(new Store())
    await db.aonUserMessage('s', 'a')
    db.onUserMessage('s', 'b')
    assert.deepEqual(calls, ['async:a', 'sync:b'])
  })

  it('awaits a sync method that returns a promise', async () => {
    const done: string[] = []
    const store = { addMessage: async (m: Message) => { await new Promise((r) => setTimeout(r, 5)); done.push(m.content) } }
    await using db = new PraisonAIDB(store)
    await db.aonUserMessage('s', 'x')
    assert.deepEqual(done, ['x'])
    assert.throws(() => db.onUserMessage('s', 'y'), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
  })

  it('maps hooks to the seed detection table: tool calls and agent state', async () => {
    const log: string[] = []
    const store = {
      addMessage: (m: Message) => { log.push(`message:${m.role}`) },
      asyncAddToolCall: async (t: ToolCall) => { log.push(`tool:${t.toolName}:${t.seq}`) },
      asyncSetAgentState: async (s: AgentState) => { log.push(`state:${s.status}`) },
    }
    await using db = new PraisonAIDB(store)
    await db.aonAgentStart('s', 'A')
    await db.aonUserMessage('s', 'q')
    await db.aonToolCall('s', 'calc', { x: 1 }, 2)
    await db.aonAgentEnd('s', 'A')
    assert.deepEqual(log, ['state:started', 'message:user', 'tool:calc:2', 'state:ended'])
  })

  it('gives a store without tool-call methods the call as a tool message', async () => {
    const seen: Message[] = []
    await using db = new PraisonAIDB({ addMessage: (m: Message) => { seen.push(m) } })
    await db.aonToolCall('s', 'data_analyzer', { file: 'data.csv' }, { rows: 1000 })
    assert.equal(seen[0]?.role, 'tool')
    assert.deepEqual(JSON.parse(seen[0]!.content), { toolName: 'data_analyzer', arguments: { file: 'data.csv' }, result: { rows: 1000 } })
    assert.equal(seen[0]?.metadata['toolName'], 'data_analyzer')
  })

  it('is not fooled by a Proxy that answers every property', async () => {
    const seen: string[] = []
    const target = { addMessage: (m: Message) => { seen.push(m.content) } }
    const proxy = new Proxy(target, {
      get: (t, key) => (key in t ? Reflect.get(t, key) : async () => { throw new Error(`fabricated ${String(key)}`) }),
    })
    await using db = new PraisonAIDB(proxy)
    await db.aonUserMessage('s', 'via sync addMessage')
    assert.deepEqual(seen, ['via sync addMessage'])
    assert.equal(db.capabilities.reads, false)
    const everything = new Proxy({}, { get: () => () => undefined })
    assert.throws(() => new PraisonAIDB(everything), (e: unknown) => e instanceof ConfigError && e.code === 'STORE_INVALID')
  })

  it('rejects a store with no write methods at construction', () => {
    assert.throws(() => new PraisonAIDB({ getMessages: () => [] } as object), (e: unknown) => e instanceof ConfigError && e.code === 'STORE_INVALID' && /addMessage/.test(e.message))
    assert.throws(() => new PraisonAIDB({ addMessage: 'not a function' } as unknown as object), ConfigError)
  })

  it('refuses the sync surface for an async-only store and wraps store failures', async () => {
    const store = { asyncAddMessage: async (m: Message) => { if (m.content === 'boom') throw new Error('disk full') } }
    await using db = new PraisonAIDB(store)
    assert.throws(() => db.onUserMessage('s', 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
    await rejects(() => db.aonUserMessage('s', 'boom'), StoreError, 'STORE_FAILED')
    await rejects(() => db.getMessages('s'), ConfigError, 'CAPABILITY_MISSING')
    assert.deepEqual(await db.aonAgentStart('s', 'A'), [], 'a store without reads resumes nothing')
  })

  it('calls the store\'s aclose on aclose()', async () => {
    let closed = 0
    const db = new PraisonAIDB({ addMessage: () => undefined, aclose: async () => { closed += 1 } })
    await db.aonUserMessage('s', 'x')
    await db.aclose()
    assert.equal(closed, 1)
  })
})
