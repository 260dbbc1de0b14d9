// One chat turn of a server route built on the AI SDK and agentdb/ai-sdk, as a user writes it:
// load the chat, stream the model's answer with a tool, persist the chat when the stream ends.
import type { UIMessage } from 'ai'
import { chatStore } from '../../src/adapters/ai-sdk/index.js'
import { PraisonAIDB } from '../../src/index.js'

/** Which installed AI SDK runs the turn: `ai` v6 with `@ai-sdk/openai-compatible` 2, or v7 with 3. */
export type SdkMajor = 6 | 7

/** How the UI message stream is made: from the result, or wrapped in `createUIMessageStream`. */
export type StreamMode = 'toUIMessageStream' | 'createUIMessageStream'

export interface TurnOptions {
  readonly sdk: SdkMajor
  readonly mode: StreamMode
  readonly dbUrl: string
  readonly chatId: string
  readonly baseUrl: string
  readonly prompt: string
  /** Aborts the model call once the first text delta reached the UI stream. */
  readonly abortAfterFirstText?: boolean
}

export interface TurnResult {
  readonly pid: number
  /** The UI message chunk types the stream carried, in order. */
  readonly chunkTypes: string[]
}

// v7's module is typed as v6's: the calls made here have the same shape in both.
type Ai = typeof import('ai')
type Provider = typeof import('@ai-sdk/openai-compatible')

async function load(sdk: SdkMajor): Promise<{ ai: Ai; provider: Provider }> {
  if (sdk === 6) return { ai: await import('ai'), provider: await import('@ai-sdk/openai-compatible') }
  return {
    ai: await import('ai-v7' as string) as Ai,
    provider: await import('ai-sdk-openai-compatible-v3' as string) as Provider,
  }
}

/** Runs one turn: the chat's saved messages plus the new prompt go to the model; the chat is saved on finish. */
export async function runTurn(options: TurnOptions): Promise<TurnResult> {
  const { ai, provider } = await load(options.sdk)
  await using db = new PraisonAIDB(options.dbUrl)
  const chats = chatStore<UIMessage>(db)
  const previous = await chats.loadChat(options.chatId)
  const messages: UIMessage[] = [...previous, { id: ai.generateId(), role: 'user', parts: [{ type: 'text', text: options.prompt }] }]
  const model = provider.createOpenAICompatible({ name: 'local', baseURL: options.baseUrl }).chatModel('test-model')
  const abort = new AbortController()
  const result = ai.streamText({
    model,
    system: 'You are a weather assistant.',
    messages: await ai.convertToModelMessages(messages),
    tools: {
      getWeather: ai.tool({
        description: 'The current weather of a city',
        inputSchema: ai.jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
        execute: ({ city }) => Promise.resolve({ city, tempC: 21, sky: 'clear' }),
      }),
    },
    stopWhen: ai.stepCountIs(5),
    abortSignal: abort.signal,
  })
  const onFinish = chats.persistOnFinish(options.chatId)
  const stream = options.mode === 'toUIMessageStream'
    ? result.toUIMessageStream({ originalMessages: messages, generateMessageId: ai.generateId, onFinish })
    : ai.createUIMessageStream({
      originalMessages: messages,
      generateId: ai.generateId,
      execute: ({ writer }) => { writer.merge(result.toUIMessageStream()) },
      onFinish,
    })
  const chunkTypes: string[] = []
  // The stream ends after onFinish has resolved (the SDK awaits it in the stream's flush).
  for await (const chunk of stream) {
    chunkTypes.push(chunk.type)
    if (options.abortAfterFirstText === true && chunk.type === 'text-delta') abort.abort()
  }
  return { pid: process.pid, chunkTypes }
}
