// Issue 13: a real @openai/agents Agent turn with a tool call, its session an AgentDBSession on
// SQLite; the next turn runs in a second process on the same file and the model receives the
// whole history (the call and its result included) in a valid order.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { AgentDBSession } from '../../src/adapters/openai-agents/index.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'
import { runTurn } from '../support/openai-agents-turn.js'

const CHILD = fileURLToPath(new URL('../fixtures/openai-agents-child.js', import.meta.url))
const run = promisify(execFile)

describe('OpenAI Agents JS on AgentDBSession (SQLite), resumed in a second process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-oa-e2e-'))
  const url = `sqlite:///${join(dir, 'agents.db')}`
  let server: LlmServer
  let db: PraisonAIDB
  before(async () => {
    server = await startLlmServer()
    db = new PraisonAIDB(url)
  })
  after(async () => {
    await db.aclose()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs a turn with a tool call, then the next turn in another process sees all of it', async () => {
    const sessionId = 'oa-e2e'
    server.reply(
      { kind: 'tools', calls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { kind: 'text', content: 'It is 21°C and clear in Paris.' },
    )
    assert.equal(await runTurn(db, sessionId, server.baseUrl, 'Weather in Paris?'), 'It is 21°C and clear in Paris.')
    assert.equal(server.requests.length, 2)
    const toolResult = server.requests[1]!.messages.find((m) => m['role'] === 'tool')
    assert.equal(toolResult?.['content'], 'Paris: 21°C, clear', 'the tool ran and the model got its result')

    // stored as items and projected: the timeline reads as the conversation
    const items = await new AgentDBSession({ db, sessionId }).getItems()
    assert.deepEqual(items.map((i) => ('type' in i ? i.type : 'message')), ['message', 'function_call', 'function_call_result', 'message'])
    const timeline = await db.getTimeline(sessionId)
    assert.deepEqual(timeline.map((e) => (e.kind === 'message' ? `${e.message.role}:${e.message.content}` : `tool:${e.toolCall.toolName}:${e.toolCall.toolCallId}`)), [
      'user:Weather in Paris?', 'assistant:', 'tool:get_weather:call_w1', 'assistant:It is 21°C and clear in Paris.',
    ])
    assert.equal((await db.getSession(sessionId))?.userId, 'user-e2e')

    server.reply({ kind: 'text', content: 'Tomorrow: 23°C.' })
    const child = await run(process.execPath, [CHILD, url, sessionId, server.baseUrl, 'And tomorrow?'], { encoding: 'utf8' })
    const printed = JSON.parse(child.stdout.trim()) as { pid: number; output: string }
    assert.notEqual(printed.pid, process.pid)
    assert.equal(printed.output, 'Tomorrow: 23°C.')

    assert.equal(server.requests.length, 3)
    const sent = server.requests[2]!.messages.map((m) => {
      const calls = m['tool_calls'] as { id: string; function: { name: string; arguments: string } }[] | undefined
      if (calls !== undefined) return { role: m['role'], tool_calls: calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments) as unknown]) }
      if (m['role'] === 'tool') return { role: 'tool', tool_call_id: m['tool_call_id'], content: m['content'] }
      // the SDK sends an assistant's text as content parts (spreading the stored part's providerData into each)
      const content = Array.isArray(m['content']) ? (m['content'] as { text: string }[]).map((part) => part.text).join('') : m['content']
      return { role: m['role'], content }
    })
    assert.deepEqual(sent, [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [['call_w1', 'get_weather', { city: 'Paris' }]] },
      { role: 'tool', tool_call_id: 'call_w1', content: 'Paris: 21°C, clear' },
      { role: 'assistant', content: 'It is 21°C and clear in Paris.' },
      { role: 'user', content: 'And tomorrow?' },
    ])
    const after = await new AgentDBSession({ db, sessionId }).getItems()
    assert.equal(after.length, 6)
    assert.deepEqual(after.slice(0, 4), items, 'the first turn is read back unchanged after the second process wrote')
    assert.equal(server.pending, 0)
  })
})
