// Issue 10: an agent resumes its session after a restart, on SQLite and PostgreSQL, both asyncMode values.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, beforeEach, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'
import { parsedResults, postgresCase, shape, sqliteCase, type StoreCase } from './harness.js'

const CHILD = fileURLToPath(new URL('../fixtures/agent-child.js', import.meta.url))

/** Runs the agent in its own process (asynchronously: this process serves its model calls). */
function runProcess(args: readonly string[]): Promise<{ pid: number; answer: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0
      ? resolve(out.trim().split('\n').map((line) => JSON.parse(line) as { pid: number; answer: string }))
      : reject(new Error(`agent process exited with ${code}: ${err.slice(-2000)}`))))
  })
}

let server: LlmServer
before(async () => { server = await startLlmServer() })
after(() => server.close())
beforeEach(() => server.reset())

const cases: StoreCase[] = [sqliteCase(), postgresCase()]
after(() => Promise.all(cases.map((c) => c.cleanup())))

for (const store of cases) {
  for (const asyncMode of [true, false]) {
    describe(`Agent resume on ${store.name}, asyncMode ${asyncMode}`, () => {
      it("process B sends the model process A's turns in order, with valid tool-call pairs", async () => {
        const url = store.url()
        const sessionId = `resume-${store.name}-${asyncMode}`
        server.reply(
          { kind: 'tools', calls: [{ id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
          { kind: 'text', content: 'Paris: 21°C, clear.' },
          { kind: 'text', content: 'You asked about Paris.' },
        )
        const a = await runProcess([url, sessionId, server.baseUrl, String(asyncMode), 'Weather in Paris?', 'What did I ask?'])
        assert.deepEqual(a.map((r) => r.answer), ['Paris: 21°C, clear.', 'You asked about Paris.'])
        server.reply({ kind: 'text', content: 'Still Paris.' })
        const b = await runProcess([url, sessionId, server.baseUrl, String(asyncMode), 'And now?'])
        assert.notEqual(b[0]!.pid, a[0]!.pid)
        assert.equal(server.pending, 0)
        const lastOfA = server.requests[2]!.messages
        const firstOfB = server.requests[3]!.messages
        assert.deepEqual(shape(firstOfB), ['system', 'user', 'assistant[call_paris]', 'tool:call_paris', 'assistant', 'user', 'assistant', 'user'])
        assert.deepEqual(parsedResults(firstOfB), parsedResults([...lastOfA, { role: 'assistant', content: 'You asked about Paris.' }, { role: 'user', content: 'And now?' }]))
        await using db = new PraisonAIDB(url)
        assert.deepEqual((await db.getRuns(sessionId)).map((r) => [r.input, r.status]), [['And now?', 'completed'], ['What did I ask?', 'completed'], ['Weather in Paris?', 'completed']])
      })
    })
  }
}
