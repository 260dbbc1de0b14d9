import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ConfigError, PraisonAIDB, StoreError, type AgentState, type Message, type Run, type Span, type ToolCall, type Trace,
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

  it('gives runs, traces and spans to setRun/setTrace/setSpan (async twins first), and skips them without those methods', async () => {
    const log: string[] = []
    const store = {
      addMessage: (m: Message) => { log.push(`message:${m.content}`) },
      setRun: (r: Run) => { log.push(`run:${r.id}:${r.status}:${r.input}:${String(r.output)}`) },
      asyncSetRun: async (r: Run) => { log.push(`asyncRun:${r.id}:${r.status}`) },
      setTrace: (t: Omit<Trace, 'spans'>) => { log.push(`trace:${t.id}:${t.status}:${String(t.userId)}:${'spans' in t}`) },
      setSpan: (s: Span) => { log.push(`span:${s.traceId}/${s.id}:${String(s.parentSpanId)}:${s.status}:${String(s.error)}`) },
    }
    await using db = new PraisonAIDB(store)
    await db.aonRunStart('s', 'run-1', 'question')
    db.onRunStart('s', 'run-2', 'sync question')
    db.onRunEnd('s', 'run-2', 'sync answer', 'completed')
    await db.aonTraceStart({ sessionId: 's', traceId: 't-1', name: 'turn', userId: 'u-1' })
    await db.aonSpanStart({ sessionId: 's', traceId: 't-1', spanId: 'sp-1', name: 'llm', parentSpanId: 'root' })
    await db.aonSpanEnd({ sessionId: 's', traceId: 't-1', spanId: 'sp-1', status: 'error', error: 'timeout' })
    await db.aonTraceEnd({ sessionId: 's', traceId: 't-1', status: 'ok' })
    await db.aonUserMessage('s', 'hello')
    assert.deepEqual(log, [
      'asyncRun:run-1:running',
      'run:run-2:running:sync question:null',
      'run:run-2:completed::sync answer',
      'trace:t-1:running:u-1:false',
      'span:t-1/sp-1:root:running:null',
      'span:t-1/sp-1:null:error:timeout',
      'trace:t-1:ok:null:false',
      'message:hello',
    ])

    const messages: string[] = []
    await using plain = new PraisonAIDB({ addMessage: (m: Message) => { messages.push(m.content) } })
    await plain.aonRunStart('s', 'run-1', 'question')
    await plain.aonTraceStart({ sessionId: 's', traceId: 't', name: 'n' })
    await plain.aonSpanStart({ sessionId: 's', traceId: 't', spanId: 'x', name: 'n' })
    plain.onRunEnd('s', 'run-1', 'answer', 'completed')
    await plain.aonUserMessage('s', 'after')
    assert.deepEqual(messages, ['after'], 'a store without setRun/setTrace/setSpan gets nothing for them, and no error')
    await rejects(() => plain.getRuns('s'), ConfigError, 'CAPABILITY_MISSING')
  })

  it('refuses history edits and session keys with CAPABILITY_MISSING, writing nothing, and exports no keys', async () => {
    const seen: Message[] = []
    const store = {
      addMessage(m: Message) { seen.push(m) },
      getSession: () => null, listSessions: () => ({ items: [], nextCursor: null }), getMessages: () => seen, getToolCalls: () => [],
      getAgentStates: () => [], deleteSession: () => false,
    }
    await using db = new PraisonAIDB(store)
    assert.equal(db.capabilities.historyEdit, false)
    await db.aonUserMessage('s', 'kept')
    await rejects(() => db.editHistory('s', { afterSeq: 0, append: [{ kind: 'message', role: 'user', content: 'x' }] }), ConfigError, 'CAPABILITY_MISSING')
    await rejects(() => db.setSessionKey('s', 'k', 'v'), ConfigError, 'CAPABILITY_MISSING')
    await rejects(() => db.getSessionKey('s', 'k'), ConfigError, 'CAPABILITY_MISSING')
    assert.throws(() => db.editHistorySync('s', { afterSeq: 0, append: [] }), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
    assert.throws(() => db.setSessionKeySync('s', 'k', null), (e: unknown) => e instanceof ConfigError && e.code === 'CAPABILITY_MISSING')
    assert.deepEqual(seen.map((m) => m.content), ['kept'], 'nothing of a refused edit reached the store')
    await db.aonUserMessage('s', 'after')
    assert.deepEqual(seen.map((m) => m.seq), [1, 2], 'and it took no seq')
  })

  it('calls the store\'s aclose on aclose()', async () => {
    let closed = 0
    const db = new PraisonAIDB({ addMessage: () => undefined, aclose: async () => { closed += 1 } })
    await db.aonUserMessage('s', 'x')
    await db.aclose()
    assert.equal(closed, 1)
  })
})
