// Issue 10: the Agent's loop, tools, failures and options (memory store; stores.test.ts covers the others).
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, beforeEach, describe, it, mock } from 'node:test'
import { z } from 'zod'
import { Agent, AgentRunError, ConfigError, PraisonAIDB, StoreError, ValidationError, type AgentTool } from '../../src/index.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'
import { agentOn, llmOf, shape, weather } from './harness.js'

let server: LlmServer
before(async () => { server = await startLlmServer() })
after(() => server.close())
beforeEach(() => server.reset())

const call = (id: string, name: string, args: object) => ({ id, name, arguments: JSON.stringify(args) })

describe('Agent tools', () => {
  it('runs several calls of one turn at the same time', async () => {
    await using db = new PraisonAIDB('memory:')
    // Each call waits until both have started: run one after the other, they would never return.
    let started = 0
    let release: () => void = () => undefined
    const both = new Promise<void>((resolve) => { release = resolve })
    const meet: AgentTool = { name: 'meet', execute: async () => { if (++started === 2) release(); await both; return 'met' } }
    const agent = agentOn(db, server, { tools: [meet] })
    server.reply({ kind: 'tools', calls: [call('c1', 'meet', {}), call('c2', 'meet', {})] }, { kind: 'text', content: 'done' })
    assert.equal(await agent.runAsync('go'), 'done')
    assert.deepEqual(server.requests[1]!.messages.slice(3), [{ role: 'tool', tool_call_id: 'c1', content: 'met' }, { role: 'tool', tool_call_id: 'c2', content: 'met' }])
  })

  it('records a tool that throws with its error and tells the model', async () => {
    await using db = new PraisonAIDB('memory:')
    const broken: AgentTool = { name: 'broken', execute: () => { throw new Error('disk on fire') } }
    const agent = agentOn(db, server, { tools: [broken] })
    server.reply({ kind: 'tools', calls: [call('c1', 'broken', { x: 1 })] }, { kind: 'text', content: 'The tool failed.' })
    assert.equal(await agent.runAsync('try'), 'The tool failed.')
    assert.deepEqual(server.requests[1]!.messages.at(-1), { role: 'tool', tool_call_id: 'c1', content: 'error: disk on fire' })
    const [stored] = await db.getToolCalls(agent.sessionId)
    assert.deepEqual([stored?.error, stored?.arguments, stored?.result], ['disk on fire', { x: 1 }, null])
    const [trace] = await db.getTraces({ sessionId: agent.sessionId })
    assert.deepEqual(trace?.spans.find((s) => s.kind === 'tool')?.error, 'disk on fire')
    assert.equal(agent.lastRun?.status, 'completed')
  })

  it('takes a zod schema: sends its JSON Schema, parses the arguments, tells the model a mismatch', async () => {
    await using db = new PraisonAIDB('memory:')
    const seen: unknown[] = []
    const add: AgentTool<{ a: number; b: number }> = {
      name: 'add', description: 'Adds', parameters: z.object({ a: z.number(), b: z.number().default(1) }),
      execute: (args) => { seen.push(args); return args.a + args.b },
    }
    const agent = agentOn(db, server, { tools: [add] })
    server.reply(
      { kind: 'tools', calls: [call('c1', 'add', { a: 2 }), call('c2', 'add', { a: 'two' })] },
      { kind: 'text', content: '3' },
    )
    assert.equal(await agent.runAsync('2+1?'), '3')
    const parameters = server.requests[0]!.tools![0]!.function.parameters as { type: string; properties: object; $schema?: string }
    assert.equal(parameters.type, 'object')
    assert.deepEqual(Object.keys(parameters.properties), ['a', 'b'])
    assert.equal(parameters.$schema, undefined)
    assert.deepEqual(seen, [{ a: 2, b: 1 }])
    const [ok, bad] = server.requests[1]!.messages.slice(3) as { content: string }[]
    assert.equal(ok?.content, '3')
    assert.match(bad!.content, /^error: the arguments do not match the tool's schema/)
  })

  it('tells the model about an unknown tool and arguments that are not JSON', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server, { tools: [weather] })
    server.reply({ kind: 'tools', calls: [{ id: 'c1', name: 'nope', arguments: '{}' }, { id: 'c2', name: 'get_weather', arguments: '{city' }] }, { kind: 'text', content: 'ok' })
    await agent.runAsync('x')
    assert.deepEqual(server.requests[1]!.messages.slice(3).map((m) => m['content']), ['error: there is no tool "nope"', 'error: the arguments are not valid JSON'])
  })

  it('stops a loop at maxSteps with a clear error, the run stored as error', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server, { tools: [weather], maxSteps: 2 })
    server.reply({ kind: 'tools', calls: [call('c1', 'get_weather', { city: 'A' })] }, { kind: 'tools', calls: [call('c2', 'get_weather', { city: 'B' })] })
    await assert.rejects(agent.runAsync('loop'), (e: unknown) => e instanceof AgentRunError && e.code === 'MAX_STEPS' && /maxSteps \(2\)/.test(e.message))
    assert.equal(server.pending, 0)
    assert.deepEqual((await db.getRuns(agent.sessionId)).map((r) => [r.status, r.metadata['code']]), [['error', 'MAX_STEPS']])
    // The last turn's calls ran and were answered: the history stays valid for the next run.
    assert.deepEqual(shape(await db.getHistory(agent.sessionId)), ['user', 'assistant[c1]', 'tool:c1', 'assistant[c2]', 'tool:c2'])
  })
})

describe('Agent and the model endpoint', () => {
  it('retries a 429 and succeeds', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server)
    server.reply({ kind: 'status', status: 429 }, { kind: 'text', content: 'after the wait' })
    assert.equal(await agent.runAsync('hi'), 'after the wait')
    assert.equal(server.requests.length, 2)
    assert.equal((await db.getRuns(agent.sessionId))[0]?.status, 'completed')
  })

  it('keeps the API key out of inspect and of errors', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server, { llm: { ...llmOf(server), maxRetries: 0 } })
    assert.doesNotMatch(inspect(agent, { depth: 10, showHidden: true }), /sk-test-secret/)
    server.reply({ kind: 'status', status: 500 })
    const error = await agent.runAsync('hi').catch((e: unknown) => e)
    assert.ok(error instanceof AgentRunError)
    assert.doesNotMatch(`${String(error)} ${inspect(error, { depth: 10 })}`, /sk-test-secret/)
  })

  it('without an endpoint, a run fails with a ConfigError before anything is stored', async () => {
    const saved = { key: process.env['OPENAI_API_KEY'], url: process.env['OPENAI_BASE_URL'] }
    delete process.env['OPENAI_API_KEY']
    delete process.env['OPENAI_BASE_URL']
    try {
      await using db = new PraisonAIDB('memory:')
      const agent = new Agent({ db })
      await assert.rejects(agent.runAsync('hi'), (e: unknown) => e instanceof ConfigError && /OPENAI_API_KEY/.test(e.message))
      assert.equal(await db.getSession(agent.sessionId), null)
    } finally {
      if (saved.key !== undefined) process.env['OPENAI_API_KEY'] = saved.key
      if (saved.url !== undefined) process.env['OPENAI_BASE_URL'] = saved.url
    }
  })

  it('reads the model, base URL and key from OPENAI_MODEL, OPENAI_BASE_URL and OPENAI_API_KEY', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { OPENAI_MODEL: 'env-model', OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-env' })
    try {
      const agent = new Agent()
      server.reply({ kind: 'text', content: 'hello' })
      assert.equal(await agent.runAsync('hi'), 'hello')
      assert.equal(server.requests[0]!.model, 'env-model')
      assert.equal(agent.model, 'env-model')
    } finally {
      for (const key of ['OPENAI_MODEL', 'OPENAI_BASE_URL', 'OPENAI_API_KEY']) {
        if (saved[key] === undefined) delete process.env[key]
        else process.env[key] = saved[key]
      }
    }
  })

  it('leaving a stream early interrupts the run and stores what had streamed', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server)
    server.reply({ kind: 'chunks', chunks: ['one ', 'two ', 'three ', 'four'], stallAfter: 2 })
    for await (const delta of agent.stream('count')) {
      assert.equal(delta, 'one ')
      break
    }
    assert.equal(agent.lastRun?.status, 'interrupted')
    const [run] = await db.getRuns(agent.sessionId)
    assert.equal(run?.status, 'interrupted')
    assert.match(run?.output ?? '', /^one (two )?$/, 'what had streamed when the reader left')
    assert.deepEqual((await db.getMessages(agent.sessionId)).map((m) => m.content), ['count', run?.output])
  })
})

describe('Agent persistence failures', () => {
  /** A user store that refuses assistant messages: a real failing store, through the public API. */
  const refusing = () => ({
    messages: [] as string[],
    addMessage(message: { role: string; content: string }) {
      if (message.role === 'assistant') throw new Error('quota exceeded')
      this.messages.push(message.content)
    },
  })

  it('rejects the run with an error naming the step, the model answer attached', async () => {
    const store = refusing()
    await using db = new PraisonAIDB(store)
    const agent = agentOn(db, server)
    server.reply({ kind: 'text', content: 'The answer is 42.' })
    const error = await agent.runAsync('question').catch((e: unknown) => e)
    assert.ok(error instanceof AgentRunError)
    assert.equal(error.code, 'PERSISTENCE_FAILED')
    assert.equal(error.step, 'agent message')
    assert.match(error.message, /^storing the agent message of run /)
    assert.equal(error.answer, 'The answer is 42.')
    assert.ok(error.cause instanceof StoreError)
    assert.deepEqual(store.messages, ['question'])
    assert.equal(agent.lastRun?.status, 'error')
  })

  it('with onPersistenceError "warn", logs and goes on', async () => {
    const store = refusing()
    await using db = new PraisonAIDB(store)
    const warn = mock.method(console, 'warn', () => undefined)
    try {
      const agent = agentOn(db, server, { onPersistenceError: 'warn' })
      server.reply({ kind: 'text', content: 'The answer is 42.' })
      assert.equal(await agent.runAsync('question'), 'The answer is 42.')
      assert.equal(warn.mock.callCount(), 1)
      const line = String(warn.mock.calls[0]!.arguments[0])
      assert.match(line, /could not store the agent message/)
      assert.doesNotMatch(line, /42/, 'the log line holds no message content')
    } finally {
      warn.mock.restore()
    }
  })
})

describe('Agent sessions and options', () => {
  it('makes a session id when none is given and exposes the db it was given (the seed: await using db = agent.db)', async () => {
    const agent = agentOn(new PraisonAIDB('memory:'), server)
    assert.match(agent.sessionId, /^[0-9a-f-]{36}$/)
    server.reply({ kind: 'text', content: 'hi' })
    {
      await using db = agent.db
      assert.equal(await agent.runAsync('hello'), 'hi')
      assert.equal((await db!.getMessages(agent.sessionId)).length, 2)
    }
    assert.notEqual(agentOn(undefined, server).sessionId, agent.sessionId)
  })

  it('sends the last historyLimit turns of a resumed session after the instructions', async () => {
    await using db = new PraisonAIDB('memory:')
    for (const n of [1, 2, 3]) {
      await db.aonUserMessage('s1', `q${n}`)
      await db.aonAgentMessage('s1', `a${n}`)
    }
    const agent = agentOn(db, server, { sessionId: 's1', historyLimit: 2 })
    server.reply({ kind: 'text', content: 'a4' }, { kind: 'text', content: 'a5' })
    await agent.runAsync('q4')
    assert.deepEqual(server.requests[0]!.messages.map((m) => m['content']), ['You are a helpful assistant.', 'q2', 'a2', 'q3', 'a3', 'q4'])
    await agent.runAsync('q5')
    assert.deepEqual(server.requests[1]!.messages.map((m) => m['content']), ['You are a helpful assistant.', 'q3', 'a3', 'q4', 'a4', 'q5'])
    assert.deepEqual((await db.getAgentStates('s1')).map((s) => s.status), ['started'])
  })

  it('runs without a db, storing nothing', async () => {
    const agent = agentOn(undefined, server, { tools: [weather] })
    server.reply({ kind: 'tools', calls: [call('c1', 'get_weather', { city: 'X' })] }, { kind: 'text', content: 'fine' })
    assert.equal(await agent.runAsync('w?'), 'fine')
    assert.equal(agent.lastRun?.toolCalls.length, 1)
    await agent.aclose()
  })

  it('run() uses the synchronous hooks and stores the same records', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server, { asyncMode: false, tools: [weather] })
    server.reply({ kind: 'tools', calls: [call('c1', 'get_weather', { city: 'X' })] }, { kind: 'text', content: 'fine' })
    assert.equal(await agent.run('w?'), 'fine')
    assert.deepEqual(shape(db.getHistorySync(agent.sessionId)), ['user', 'assistant[c1]', 'tool:c1', 'assistant'])
    agent.close()
    assert.deepEqual(db.getAgentStatesSync(agent.sessionId).map((s) => s.status), ['ended'])
  })

  it('asyncMode picks the hook surface of runAsync; run() takes the synchronous one', async () => {
    /** A store with both twins: the async hooks call asyncAddMessage, the sync ones addMessage (the seed's detection). */
    const twins = () => ({
      calls: [] as string[],
      addMessage(m: { role: string }) { this.calls.push(`sync ${m.role}`) },
      async asyncAddMessage(m: { role: string }) { this.calls.push(`async ${m.role}`) },
    })
    const cases = [
      { asyncMode: true, method: 'runAsync', expected: 'async' },
      { asyncMode: false, method: 'runAsync', expected: 'sync' },
      { asyncMode: true, method: 'run', expected: 'sync' },
    ] as const
    for (const { asyncMode, method, expected } of cases) {
      const store = twins()
      await using db = new PraisonAIDB(store)
      const agent = agentOn(db, server, { asyncMode })
      server.reply({ kind: 'text', content: 'ok' })
      await agent[method]('hi')
      assert.deepEqual(store.calls, [`${expected} user`, `${expected} assistant`], `${method} with asyncMode ${asyncMode}`)
    }
  })

  it('runs one after another, in call order', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server)
    server.reply({ kind: 'text', content: 'first' }, { kind: 'text', content: 'second' })
    assert.deepEqual(await Promise.all([agent.runAsync('1'), agent.runAsync('2')]), ['first', 'second'])
    assert.deepEqual(server.requests[1]!.messages.slice(1).map((m) => m['content']), ['1', 'first', '2'])
  })

  it('rejects a prompt no store can keep before anything is written', async () => {
    await using db = new PraisonAIDB('memory:')
    const agent = agentOn(db, server)
    for (const prompt of ['\ud800 lone', 42]) {
      await assert.rejects(agent.runAsync(prompt as string), (e: unknown) => e instanceof ValidationError && e.code === 'CONTENT_INVALID')
    }
    assert.equal(await db.getSession(agent.sessionId), null)
    assert.equal(server.requests.length, 0)
  })

  it('rejects wrong options with a ConfigError naming the option', () => {
    const bad: [object, RegExp][] = [
      [{ maxSteps: 0 }, /maxSteps must be an integer from 1 to 1000/],
      [{ db: {} }, /db must be a PraisonAIDB/],
      [{ tools: [{ name: 'bad name', execute: () => 1 }] }, /tools\[0\]\.name must match/],
      [{ tools: [weather, weather] }, /tools\[1\]\.name repeats "get_weather"/],
      [{ tools: [{ name: 't', parameters: { _def: {}, safeParse: () => 1 }, execute: () => 1 }] }, /zod 3 schema/],
      [{ onPersistenceError: 'ignore' }, /onPersistenceError must be "throw" or "warn"/],
      [{ llm: { baseURL: 'not a url' } }, /llm.baseURL must be an absolute/],
    ]
    for (const [options, message] of bad) assert.throws(() => new Agent(options), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID' && message.test(e.message))
  })
})
