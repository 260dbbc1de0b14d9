// Issue 13: a real AI SDK turn with a tool call (streamText against a local OpenAI-compatible
// server) saved by chatStore's persistOnFinish; a second process loads the chat and runs the
// next turn, and the model receives the whole history, the tool call and its result in order.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { UIMessage } from 'ai'
import { chatStore } from '../../src/adapters/ai-sdk/index.js'
import { PraisonAIDB } from '../../src/index.js'
import { postgresCase, shape, sqliteCase, type StoreCase } from '../agent/harness.js'
import { runTurn, type SdkMajor, type TurnOptions, type TurnResult } from '../support/ai-sdk-turn.js'
import { startLlmServer, type LlmServer } from '../support/llm-server.js'

const CHILD = fileURLToPath(new URL('../fixtures/ai-sdk-child.js', import.meta.url))

/** Runs a turn in its own process (asynchronously: this process serves its model calls). */
function runChild(options: TurnOptions): Promise<TurnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as TurnResult) : reject(new Error(`turn process exited with ${code}: ${err.slice(-2000)}`))))
  })
}

const toolPart = (message: UIMessage | undefined): Record<string, unknown> | undefined =>
  message?.parts.find((p) => p.type === 'tool-getWeather') as Record<string, unknown> | undefined

/** A Chat Completions message's text, whether its content is a string or text parts. */
function textOf(message: Record<string, unknown>): string {
  const content = message['content']
  if (typeof content === 'string') return content
  return Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('') : ''
}

let server: LlmServer
before(async () => { server = await startLlmServer() })
after(() => server.close())
beforeEach(() => server.reset())

const cases: StoreCase[] = [sqliteCase(), postgresCase()]
after(() => Promise.all(cases.map((c) => c.cleanup())))

for (const sdk of [6, 7] as const satisfies readonly SdkMajor[]) {
  for (const store of cases) {
    describe(`AI SDK v${sdk} chat on ${store.name}`, () => {
      it('saves a turn with a tool call; a second process resumes the chat with the whole history', async () => {
        const dbUrl = store.url()
        const chatId = `chat-v${sdk}-${store.name}`
        server.reply(
          { kind: 'tools', calls: [{ id: 'call_paris', name: 'getWeather', arguments: '{"city":"Paris"}' }] },
          { kind: 'text', content: 'Paris: 21 °C, clear.' },
        )
        const first = await runTurn({ sdk, mode: 'toUIMessageStream', dbUrl, chatId, baseUrl: server.baseUrl, prompt: 'Weather in Paris?' })
        assert.ok(first.chunkTypes.includes('tool-output-available'), first.chunkTypes.join(','))

        const db = new PraisonAIDB(dbUrl)
        try {
          const chats = chatStore(db)
          const saved = await chats.loadChat(chatId)
          assert.deepEqual(saved.map((m) => m.role), ['user', 'assistant'])
          assert.ok(saved[1]!.id !== '', 'the reply has the id the SDK generated')
          assert.deepEqual({ ...toolPart(saved[1]) }, {
            ...toolPart(saved[1]), type: 'tool-getWeather', toolCallId: 'call_paris', state: 'output-available',
            input: { city: 'Paris' }, output: { city: 'Paris', tempC: 21, sky: 'clear' },
          })
          assert.deepEqual((await db.getToolCalls(chatId)).map((c) => [c.toolName, c.toolCallId, c.arguments, c.result]), [
            ['getWeather', 'call_paris', { city: 'Paris' }, { city: 'Paris', tempC: 21, sky: 'clear' }],
          ])
          const firstTimeline = await db.getTimeline(chatId)

          server.reply({ kind: 'text', content: 'Tomorrow: rain.' })
          const second = await runChild({ sdk, mode: 'createUIMessageStream', dbUrl, chatId, baseUrl: server.baseUrl, prompt: 'And tomorrow?' })
          assert.notEqual(second.pid, process.pid)
          assert.equal(server.pending, 0)

          const sent = server.requests[2]!.messages
          assert.deepEqual(shape(sent), ['system', 'user', 'assistant[call_paris]', 'tool:call_paris', 'assistant', 'user'])
          assert.deepEqual(JSON.parse(String(sent[3]!['content'])), { city: 'Paris', tempC: 21, sky: 'clear' })
          assert.deepEqual([0, 1, 4, 5].map((i) => textOf(sent[i]!)), ['You are a weather assistant.', 'Weather in Paris?', 'Paris: 21 °C, clear.', 'And tomorrow?'])

          const after = await chats.loadChat(chatId)
          assert.equal(after.length, 4)
          assert.deepEqual(after.slice(0, 2), saved, 'the first turn is loaded as it was saved')
          assert.deepEqual((await db.getTimeline(chatId)).slice(0, firstTimeline.length), firstTimeline, 'and was not rewritten')
          assert.equal(after[3]!.role, 'assistant')
          assert.ok(after[3]!.parts.some((p) => p.type === 'text' && p.text === 'Tomorrow: rain.'))
        } finally {
          await db.aclose()
        }
      })

      it('saves a reply aborted mid-stream, marked as aborted', async () => {
        const dbUrl = store.url()
        const chatId = `aborted-v${sdk}-${store.name}`
        server.reply({ kind: 'chunks', chunks: ['It is ', 'raining.'], stallAfter: 1 })
        const turn = await runTurn({ sdk, mode: 'toUIMessageStream', dbUrl, chatId, baseUrl: server.baseUrl, prompt: 'Weather?', abortAfterFirstText: true })
        assert.ok(turn.chunkTypes.includes('abort'), turn.chunkTypes.join(','))
        await using db = new PraisonAIDB(dbUrl)
        const saved = await chatStore(db).loadChat(chatId)
        assert.deepEqual(saved.map((m) => m.role), ['user', 'assistant'])
        assert.ok(saved[1]!.parts.some((p) => p.type === 'text' && p.text === 'It is '), JSON.stringify(saved[1]))
        const records = await db.getMessages(chatId)
        assert.equal(records[1]!.metadata['aborted'], true)
        assert.equal(records[0]!.metadata['aborted'], undefined)
      })
    })
  }
}
