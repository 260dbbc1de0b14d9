import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PraisonAIDB } from '../../src/index.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))
const cwd = mkdtempSync(join(tmpdir(), 'agentdb-examples-'))
after(() => rmSync(cwd, { recursive: true, force: true }))

/** No model endpoint from the environment: the examples never reach a real one in the tests. */
const NO_MODEL = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', OPENAI_MODEL: '' }

/** Runs an example as a user would, in a scratch directory (relative SQLite paths land there). */
function run(example: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [join(EXAMPLES, example), ...args], { cwd, encoding: 'utf8', env: { ...process.env, AGENTDB_URL: '', ...NO_MODEL } })
  assert.equal(result.status, 0, `${example} failed: ${result.stderr}`)
  return result.stdout
}

describe('the seed examples run on SQLite', () => {
  it('quick start stores the user and agent messages', async () => {
    run('quick-start.js')
    await using db = new PraisonAIDB(join(cwd, 'agent_data.db'))
    const messages = await db.getMessages('chat_123')
    assert.deepEqual(messages.slice(-2).map((m) => [m.role, m.content, m.metadata]), [
      ['user', 'Hello, how can you help me?', { user_id: 'user_456' }],
      ['assistant', 'I can help with various tasks.', { agent_name: 'assistant' }],
    ])
  })

  it('complete lifecycle persists start, message, tool call, response and end', async () => {
    run('complete-lifecycle.js')
    await using db = new PraisonAIDB(join(cwd, 'lifecycle.db'))
    const timeline = await db.getTimeline('session_789')
    assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? i.message.role : i.toolCall.toolName)), ['user', 'data_analyzer', 'assistant'])
    const session = await db.getSession('session_789')
    assert.equal(session?.name, 'DataAgent')
    assert.notEqual(session?.endedAt, null)
  })

  it('sync store compatibility works through the async hooks', () => {
    assert.match(run('sync-store.js'), /stored 1 message\(s\): user "Hello"/)
    assert.match(readFileSync(join(cwd, 'sync-store.log'), 'utf8'), /session_1 #1 user: Hello/)
  })

  it('a native async store gets the async call', () => {
    assert.match(run('native-async-store.js'), /async calls: 1, sync calls: 0/)
    const line = JSON.parse(readFileSync(join(cwd, 'native-async-store.jsonl'), 'utf8').trim()) as { content: string; sessionId: string }
    assert.deepEqual([line.sessionId, line.content], ['session_1', 'Hello'])
  })

  it('best practices run, each writing where it says', async () => {
    assert.match(run('best-practices.js'), /best practices: done/)
    await using db = new PraisonAIDB(join(cwd, 'best_practices.db'))
    assert.deepEqual((await db.getMessages('session')).map((m) => m.content), ['Hello', 'Hello', 'Hello'])
    assert.equal((await db.getMessages('session_456'))[0]?.metadata['environment'], 'production')
    assert.match(readFileSync(join(cwd, 'optimized-store.jsonl'), 'utf8'), /"content":"Hello"/)
  })

  it('the demo writes the lifecycle and a second process reads it back', () => {
    const out = run('demo.js')
    assert.match(out, /written by process (\d+)/)
    assert.match(out, /read back by process (\d+): \d+ session\(s\): .*session_789/)
    const [writer, reader] = [/written by process (\d+)/.exec(out)?.[1], /read back by process (\d+)/.exec(out)?.[1]]
    assert.notEqual(writer, reader)
    assert.equal(out.split('#2 tool      data_analyzer({"file":"data.csv"}) -> {"rows":1000,"columns":5}').length, 3, 'both processes print the tool call')
  })
})

describe('the agent examples run against the scripted model server', () => {
  let server: LlmServer
  before(async () => { server = await startLlmServer() })
  after(() => server.close())

  /** Runs an example without blocking this process, which serves its model calls. */
  const runWithModel = (example: string, env: Record<string, string>, ...args: string[]): Promise<string> => new Promise((resolve, reject) => {
    execFile(process.execPath, [join(EXAMPLES, example), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...NO_MODEL, OPENAI_BASE_URL: server.baseUrl, ...env } }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout)
      else reject(new Error(`${example} failed: ${stderr}`, { cause: error }))
    })
  })

  it("the seed's Wire to Async Agent answers and stores the run", async () => {
    server.reply({ kind: 'text', content: 'Sunny and 21°C.' })
    const url = `sqlite:///${join(cwd, 'async-agent.db')}`
    assert.equal(await runWithModel('async-agent.js', { AGENTDB_URL: url }), 'Sunny and 21°C.\n')
    assert.equal(server.requests[0]?.messages[0]?.['content'], 'You are a helpful assistant.')
    await using db = new PraisonAIDB(url)
    const { items: [session] } = await db.listSessions()
    assert.deepEqual((await db.getMessages(session!.id)).map((m) => [m.role, m.content]), [['user', "What's the weather like?"], ['assistant', 'Sunny and 21°C.']])
    assert.equal((await db.getRuns(session!.id))[0]?.status, 'completed')
  })

  it('the demo runs the Agent when a model endpoint is set and ends with the stored timeline, read back by a second process', async () => {
    server.reply({ kind: 'tools', calls: [{ id: 'call_1', name: 'data_analyzer', arguments: '{"file":"data.csv"}' }] }, { kind: 'text', content: 'data.csv has 1000 rows and 5 columns.' })
    const out = await runWithModel('demo.js', { AGENTDB_URL: `sqlite:///${join(cwd, 'demo-agent.db')}` })
    assert.match(out, /answer: data\.csv has 1000 rows and 5 columns\./)
    assert.match(out, /run completed in \d+ ms: 2 model call\(s\), 1 tool call\(s\), 30 tokens/)
    assert.equal(out.split('tool      data_analyzer({"file":"data.csv"}) -> {"file":"data.csv","rows":1000,"columns":5}').length, 3, 'both processes print the tool call')
    assert.match(out, /read back by process \d+: 1 session\(s\): demo_agent/)
  })

  it('the resuming agent of the README: a second process sends the model the first one\'s turns', async () => {
    server.reset()
    const env = { AGENTDB_URL: `sqlite:///${join(cwd, 'agent-resume.db')}` }
    server.reply({ kind: 'tools', calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }, { kind: 'text', content: 'Clear, 21°C.' })
    assert.equal(await runWithModel('agent-resume.js', env, 'chat_42', 'Weather in Paris?'), 'Clear, 21°C.\n')
    server.reply({ kind: 'text', content: 'Probably clear too.' })
    assert.equal(await runWithModel('agent-resume.js', env, 'chat_42', 'And tomorrow?'), 'Probably clear too.\n')
    assert.deepEqual(server.requests[2]?.messages.slice(1).map((m) => m['role']), ['user', 'assistant', 'tool', 'assistant', 'user'])
    assert.deepEqual(server.requests[0]?.tools?.[0]?.function.parameters, { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false })
  })

  it('the demo without a model endpoint says how to connect one', () => {
    assert.match(run('demo.js'), /no model endpoint: .*OPENAI_API_KEY/)
  })
})
