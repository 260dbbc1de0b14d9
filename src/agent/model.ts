import type OpenAI from 'openai'
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { ConfigError, type AssistantToolCall, type ChatMessage } from '../index.js'
import type { ModelSettings } from './options.js'
import type { ToolSpec } from './tools.js'

/** Tokens one model call (or a whole run) used, as the endpoint reported them. */
export interface TokenUsage {
  readonly promptTokens: number
  readonly completionTokens: number
  readonly totalTokens: number
}

/** One model call. */
export interface ModelRequest {
  readonly messages: readonly ChatMessage[]
  readonly tools: readonly ToolSpec[]
  readonly signal: AbortSignal
  /** Streams the answer when given, calling it with each text delta as it arrives. */
  readonly onDelta?: ((text: string) => void) | undefined
}

/** What one model call answered. */
export interface ModelTurn {
  readonly content: string
  readonly toolCalls: readonly AssistantToolCall[]
  readonly usage: TokenUsage | null
  readonly finishReason: string | null
  /** The model that answered, as the endpoint names it. */
  readonly model: string
}

/** The openai package, loaded on the first model call so that importing agentdb never loads it. */
async function loadClient(settings: ModelSettings): Promise<OpenAI> {
  let module: typeof import('openai')
  try {
    module = await import('openai')
  } catch (error) {
    throw new ConfigError('DRIVER_MISSING', 'the Agent needs the package openai to call a model: npm install openai', { cause: error })
  }
  // A local endpoint (Ollama, vLLM …) takes no key, but the client insists on one.
  return new module.default({
    apiKey: settings.apiKey ?? 'no-key', baseURL: settings.baseURL ?? null, maxRetries: settings.maxRetries, timeout: settings.timeoutMs,
  })
}

function wireMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content }
    case 'tool':
      return { role: 'tool', tool_call_id: m.tool_call_id, content: m.content }
    case 'assistant':
      if (m.tool_calls === undefined || m.tool_calls.length === 0) return { role: 'assistant', content: m.content ?? '' }
      return {
        role: 'assistant', content: m.content,
        tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } })),
      }
  }
}

function usageOf(usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null | undefined): TokenUsage | null {
  if (usage === null || usage === undefined) return null
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens }
}

/** Tool-call deltas of a stream, joined by index. */
class ToolCallDeltas {
  readonly #calls: { id: string; name: string; arguments: string }[] = []

  add(deltas: NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>): void {
    for (const d of deltas) {
      const call = (this.#calls[d.index] ??= { id: '', name: '', arguments: '' })
      if (d.id !== undefined) call.id = d.id
      if (d.function?.name !== undefined) call.name += d.function.name
      if (d.function?.arguments !== undefined) call.arguments += d.function.arguments
    }
  }

  get calls(): readonly AssistantToolCall[] {
    return this.#calls.filter((c) => c !== undefined)
  }
}

/**
 * An OpenAI-compatible Chat Completions endpoint. The client (and the `openai` package) is
 * created on the first call; 429s, 5xx and dropped connections are retried by the client
 * (`maxRetries`). The API key lives in a private field, out of `inspect` and errors.
 */
export class Model {
  readonly #settings: ModelSettings
  #client: Promise<OpenAI> | undefined

  constructor(settings: ModelSettings) {
    this.#settings = settings
  }

  /** The model name requests ask for. */
  get name(): string {
    return this.#settings.model
  }

  /** Loads the client (and `openai`) unless loaded. @throws ConfigError DRIVER_MISSING when openai is not installed */
  ready(): Promise<OpenAI> {
    if (this.#client === undefined) {
      const loading = loadClient(this.#settings)
      this.#client = loading
      // A failed load is tried again by the next call (the package may have been installed since).
      void loading.catch(() => { if (this.#client === loading) this.#client = undefined })
    }
    return this.#client
  }

  /** Calls the model once; streams when the request has `onDelta`. Rejects with the client's error. */
  async call(request: ModelRequest): Promise<ModelTurn> {
    const client = await this.ready()
    const body = {
      model: this.#settings.model,
      messages: request.messages.map(wireMessage),
      ...(request.tools.length === 0 ? {} : { tools: request.tools.map((t) => ({ type: t.type, function: { ...t.function, parameters: { ...t.function.parameters } } })) }),
    }
    if (request.onDelta === undefined) {
      const completion = await client.chat.completions.create(body, { signal: request.signal })
      const choice = completion.choices[0]
      const calls = (choice?.message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : []))
      return { content: choice?.message.content ?? '', toolCalls: calls, usage: usageOf(completion.usage), finishReason: choice?.finish_reason ?? null, model: completion.model }
    }
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: request.signal })
    let content = ''
    let usage: TokenUsage | null = null
    let finishReason: string | null = null
    let model = this.#settings.model
    const deltas = new ToolCallDeltas()
    for await (const chunk of stream) {
      model = chunk.model || model
      usage = usageOf(chunk.usage) ?? usage
      const choice = chunk.choices[0]
      if (choice === undefined) continue
      finishReason = choice.finish_reason ?? finishReason
      if (choice.delta.tool_calls !== undefined) deltas.add(choice.delta.tool_calls)
      const text = choice.delta.content
      if (typeof text === 'string' && text !== '') {
        content += text
        request.onDelta(text)
      }
    }
    // The client ends an aborted stream quietly, as if the answer were complete.
    request.signal.throwIfAborted()
    return { content, toolCalls: deltas.calls, usage, finishReason, model }
  }
}

/** A model error described without its body (which may quote the conversation): its HTTP status or kind. */
export function describeModelError(error: unknown): string {
  if (error instanceof ConfigError) return error.message
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
  if (typeof status === 'number') return `the model endpoint answered HTTP ${status}`
  const name = error instanceof Error ? error.name : typeof error
  return `the model call failed (${name})`
}
