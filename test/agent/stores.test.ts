// Issue 10: the Agent's runs on every surface and on memory, SQLite and PostgreSQL.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { AgentRunError, PraisonAIDB } from '../../src/index.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'
import { agentOn, memoryCase, parsedResults, postgresCase, shape, sqliteCase, weather, type StoreCase } from './harness.js'

let server: LlmServer
before(async () => { server = await startLlmServer() })
after(() => server.close())
beforeEach(() => server.reset())

const cases: StoreCase[] = [memoryCase(), sqliteCase(), postgresCase()]
after(() => Promise.all(cases.map((c) => c.cleanup())))

for (const store of cases) {
  for (const asyncMode of [true, false]) {
    describe(`Agent on ${store.name}, asyncMode ${asyncMode}`, () => {
      it('answers a plain prompt and stores the run, its trace, the messages and the agent start', async () => {
        await using db = new PraisonAIDB(store.url())
        const agent = agentOn(db, server, { asyncMode, userId: 'user_1' })
        server.reply({ kind: 'text', content: 'It is sunny.', usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } })
        assert.equal(await agent.runAsync("What's the weather like?"), 'It is sunny.')
        assert.deepEqual(shape(server.requests[0]!.messages), ['system', 'user'])
        assert.equal(server.requests[0]!.model, 'test-model')
        const run = agent.lastRun!
        assert.deepEqual([run.status, run.output, run.steps, run.usage], ['completed', 'It is sunny.', 1, { promptTokens: 12, completionTokens: 4, totalTokens: 16 }])
        const [stored] = await db.getRuns(agent.sessionId)
        assert.deepEqual([stored?.id, stored?.status, stored?.input, stored?.output], [run.id, 'completed', "What's the weather like?", 'It is sunny.'])
        assert.deepEqual([stored?.metrics['steps'], stored?.metrics['totalTokens']], [1, 16])
        const messages = await db.getMessages(agent.sessionId)
        assert.deepEqual(messages.map((m) => [m.role, m.content, m.runId]), [['user', "What's the weather like?", run.id], ['assistant', 'It is sunny.', run.id]])
        assert.deepEqual(messages[1]!.metadata['usage'], { promptTokens: 12, completionTokens: 4, totalTokens: 16 })
        assert.equal(messages[1]!.metadata['model'], 'test-model')
        assert.equal(typeof messages[1]!.metadata['latencyMs'], 'number')
        const [trace] = await db.getTraces({ sessionId: agent.sessionId })
        assert.deepEqual([trace?.id, trace?.runId, trace?.status, trace?.userId], [run.traceId, run.id, 'ok', 'user_1'])
        assert.deepEqual(trace?.spans.map((s) => [s.kind, s.status]), [['llm', 'ok']])
        assert.deepEqual((await db.getAgentStates(agent.sessionId)).map((s) => [s.name, s.status]), [['Assistant', 'started']])
        await agent.aclose()
        assert.deepEqual((await db.getAgentStates(agent.sessionId)).map((s) => s.status), ['ended'])
      })

      it('runs the tools the model asks for, in parallel, and sends their results back in order', async () => {
        await using db = new PraisonAIDB(store.url())
        await using agent = agentOn(db, server, { asyncMode, tools: [weather] })
        server.reply(
          { kind: 'tools', calls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_b', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
          { kind: 'text', content: 'Paris and Oslo are clear, 21°C.' },
        )
        assert.equal(await agent.runAsync('Weather in Paris and Oslo?'), 'Paris and Oslo are clear, 21°C.')
        assert.deepEqual(shape(server.requests[1]!.messages), ['system', 'user', 'assistant[call_a,call_b]', 'tool:call_a', 'tool:call_b'])
        assert.deepEqual(JSON.parse(String(server.requests[1]!.messages[3]!['content'])), { city: 'Paris', tempC: 21, sky: 'clear' })
        assert.deepEqual(server.requests[0]!.tools?.map((t) => t.function.name), ['get_weather'])
        const calls = await db.getToolCalls(agent.sessionId)
        assert.deepEqual(calls.map((c) => [c.toolCallId, c.toolName, c.arguments, c.error]).sort(), [['call_a', 'get_weather', { city: 'Paris' }, null], ['call_b', 'get_weather', { city: 'Oslo' }, null]])
        assert.ok(calls.every((c) => typeof c.durationMs === 'number' && c.runId === agent.lastRun!.id))
        assert.deepEqual(parsedResults(await db.getHistory(agent.sessionId)), parsedResults([
          { role: 'user', content: 'Weather in Paris and Oslo?' },
          ...server.requests[1]!.messages.slice(2),
          { role: 'assistant', content: 'Paris and Oslo are clear, 21°C.' },
        ]))
        const [trace] = await db.getTraces({ sessionId: agent.sessionId })
        assert.deepEqual(trace?.spans.map((s) => s.kind).sort(), ['llm', 'llm', 'tool', 'tool'])
        assert.deepEqual(agent.lastRun!.toolCalls.map((c) => c.id).sort(), ['call_a', 'call_b'])
      })

      it('streams the answer in deltas and stores it whole, with the usage of the last chunk', async () => {
        await using db = new PraisonAIDB(store.url())
        await using agent = agentOn(db, server, { asyncMode })
        server.reply({ kind: 'chunks', chunks: ['It ', 'is ', 'sunny.'], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })
        const deltas: string[] = []
        for await (const delta of agent.stream('Weather?')) deltas.push(delta)
        assert.deepEqual(deltas, ['It ', 'is ', 'sunny.'])
        assert.equal(server.requests[0]!.stream, true)
        assert.deepEqual(server.requests[0]!.stream_options, { include_usage: true })
        const messages = await db.getMessages(agent.sessionId)
        assert.deepEqual(messages.map((m) => m.content), ['Weather?', 'It is sunny.'])
        assert.deepEqual(messages[1]!.metadata['usage'], { promptTokens: 7, completionTokens: 3, totalTokens: 10 })
        assert.equal(agent.lastRun?.status, 'completed')
      })

      it('a stream cut mid-answer ends the run as error with the partial answer saved, and the next run resumes validly', async () => {
        await using db = new PraisonAIDB(store.url())
        await using agent = agentOn(db, server, { asyncMode })
        server.reply({ kind: 'chunks', chunks: ['The ', 'answer ', 'is ', 'long.'], cutAfter: 2 })
        const deltas: string[] = []
        await assert.rejects(async () => { for await (const d of agent.stream('Tell me')) deltas.push(d) }, (e: unknown) => e instanceof AgentRunError && e.code === 'MODEL_FAILED' && e.answer === 'The answer ')
        assert.deepEqual(deltas, ['The ', 'answer '])
        const [run] = await db.getRuns(agent.sessionId)
        assert.deepEqual([run?.status, run?.output], ['error', 'The answer '])
        const messages = await db.getMessages(agent.sessionId)
        assert.deepEqual(messages.map((m) => [m.role, m.content, m.metadata['partial'] ?? null]), [['user', 'Tell me', null], ['assistant', 'The answer ', true]])
        server.reply({ kind: 'text', content: 'Short now.' })
        assert.equal(await agent.runAsync('Again'), 'Short now.')
        assert.deepEqual(server.requests.at(-1)!.messages.slice(1), [{ role: 'user', content: 'Tell me' }, { role: 'assistant', content: 'The answer ' }, { role: 'user', content: 'Again' }])
      })

      it('a 500 that persists ends the run as error with the user message and the partial answer saved', async () => {
        await using db = new PraisonAIDB(store.url())
        await using agent = agentOn(db, server, { asyncMode, tools: [weather] })
        server.reply(
          { kind: 'tools', content: 'Let me check.', calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
          { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 },
        )
        await assert.rejects(agent.runAsync('Rome?'), (e: unknown) => e instanceof AgentRunError && e.code === 'MODEL_FAILED' && /HTTP 500/.test(e.message) && e.answer === 'Let me check.')
        assert.equal(server.requests.length, 4, 'the first call, then the client tried the 500 three times (maxRetries 2)')
        const [run] = await db.getRuns(agent.sessionId)
        assert.deepEqual([run?.status, run?.output, run?.metadata['code']], ['error', 'Let me check.', 'MODEL_FAILED'])
        assert.deepEqual((await db.getMessages(agent.sessionId)).map((m) => m.content), ['Rome?', 'Let me check.'])
        const [trace] = await db.getTraces({ sessionId: agent.sessionId })
        assert.equal(trace?.status, 'error')
        assert.deepEqual(trace?.spans.map((s) => [s.kind, s.status, s.error]).sort(), [['llm', 'error', 'the model endpoint answered HTTP 500'], ['llm', 'ok', null], ['tool', 'ok', null]])
      })

      it('an aborted run ends as interrupted, and the next run resumes from a valid history', async () => {
        await using db = new PraisonAIDB(store.url())
        let toolSignal: AbortSignal | undefined
        const slow = { name: 'slow_lookup', execute: (_: unknown, { signal }: { signal: AbortSignal }) => { toolSignal = signal; return new Promise(() => undefined) } }
        await using agent = agentOn(db, server, { asyncMode, tools: [slow] })
        server.reply({ kind: 'tools', calls: [{ id: 'call_slow', name: 'slow_lookup', arguments: '{}' }] })
        const controller = new AbortController()
        const running = agent.runAsync('Look it up', { signal: controller.signal })
        while (toolSignal === undefined) await new Promise((r) => setTimeout(r, 5))
        controller.abort()
        await assert.rejects(running, (e: unknown) => e instanceof AgentRunError && e.code === 'RUN_INTERRUPTED')
        assert.equal(toolSignal.aborted, true, 'the tool got the abort')
        const [run] = await db.getRuns(agent.sessionId)
        assert.equal(run?.status, 'interrupted')
        const [call] = await db.getToolCalls(agent.sessionId)
        assert.deepEqual([call?.toolCallId, call?.error], ['call_slow', 'the run was interrupted before the tool returned'])
        server.reply({ kind: 'text', content: 'Sorry, it took too long.' })
        assert.equal(await agent.runAsync('Never mind'), 'Sorry, it took too long.')
        const sent = server.requests.at(-1)!.messages
        assert.deepEqual(shape(sent), ['system', 'user', 'assistant[call_slow]', 'tool:call_slow', 'user'])
        assert.deepEqual((await db.getHistory(agent.sessionId)).slice(0, 3), sent.slice(1, 4))
      })
    })
  }
}
