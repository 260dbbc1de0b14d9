import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A tool call a scripted reply asks for. */
export interface ScriptedCall {
  readonly id: string
  readonly name: string
  readonly arguments: string
}

/** Token usage a scripted reply reports. */
export interface ScriptedUsage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens: number
}

/**
 * What the server answers to one request, in queue order:
 * - `text`: a plain completion (JSON, or SSE chunks when the request streams);
 * - `tools`: a completion that asks for these tool calls (with optional text);
 * - `chunks`: a streamed answer in exactly these text deltas; `cutAfter` destroys the socket
 *   after that many chunks (a stream cut mid-answer); `stallAfter` sends nothing more after
 *   that many (a slow answer the client leaves);
 * - `status`: an HTTP error (`429`, `500`) with a short retry hint so the client's retries are quick;
 * - `hang`: never answers (until the client goes away): for aborts.
 */
export type ScriptedReply =
  | { readonly kind: 'text'; readonly content: string; readonly usage?: ScriptedUsage }
  | { readonly kind: 'tools'; readonly calls: readonly ScriptedCall[]; readonly content?: string; readonly usage?: ScriptedUsage }
  | { readonly kind: 'chunks'; readonly chunks: readonly string[]; readonly cutAfter?: number; readonly stallAfter?: number; readonly usage?: ScriptedUsage }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'hang' }

/** A Chat Completions request body as the server received it. */
export interface RecordedRequest {
  readonly model: string
  readonly messages: readonly Record<string, unknown>[]
  readonly tools?: readonly { readonly type: string; readonly function: { readonly name: string; readonly description?: string; readonly parameters?: unknown } }[]
  readonly stream?: boolean
  readonly stream_options?: { readonly include_usage?: boolean }
}

/** The scripted OpenAI-compatible server of a test. */
export interface LlmServer {
  /** The `baseURL` to give the client (`http://127.0.0.1:<port>/v1`). */
  readonly baseUrl: string
  /** Every request body received, in order. */
  readonly requests: RecordedRequest[]
  /** Queues replies; each request takes the next one. */
  reply(...replies: ScriptedReply[]): void
  /** Replies still queued (a test asserts its script was used up). */
  readonly pending: number
  /** Forgets the requests and the replies left (between tests). */
  reset(): void
  close(): Promise<void>
}

export const DEFAULT_USAGE: ScriptedUsage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }

const completion = (message: Record<string, unknown>, finishReason: string, usage: ScriptedUsage): string => JSON.stringify({
  id: 'chatcmpl-test', object: 'chat.completion', created: 0, model: 'test-model',
  choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finishReason, logprobs: null }],
  usage,
})

const chunk = (delta: Record<string, unknown>, finishReason: string | null): string => `data: ${JSON.stringify({
  id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'test-model',
  choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
})}\n\n`

const usageChunk = (usage: ScriptedUsage): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [], usage })}\n\n`

function toolCallsOf(calls: readonly ScriptedCall[]): Record<string, unknown>[] {
  return calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }))
}

/** The SSE chunks of a reply; the usage chunk last when the client asked for it. */
function streamOf(reply: Extract<ScriptedReply, { kind: 'text' | 'tools' | 'chunks' }>, withUsage: boolean): string[] {
  const usage = reply.usage ?? DEFAULT_USAGE
  const out = [chunk({ role: 'assistant', content: '' }, null)]
  if (reply.kind === 'chunks') out.push(...reply.chunks.map((c) => chunk({ content: c }, null)))
  else if (reply.content !== undefined && reply.content !== '') out.push(chunk({ content: reply.content }, null))
  if (reply.kind === 'tools') {
    // Each call in two deltas (name, then its arguments), as providers send them.
    reply.calls.forEach((c, index) => {
      out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }, null))
      out.push(chunk({ tool_calls: [{ index, function: { arguments: c.arguments } }] }, null))
    })
  }
  out.push(chunk({}, reply.kind === 'tools' ? 'tool_calls' : 'stop'))
  if (withUsage) out.push(usageChunk(usage))
  return out
}

function answer(reply: ScriptedReply, request: RecordedRequest, res: ServerResponse): void {
  switch (reply.kind) {
    case 'hang':
      return
    case 'status':
      res.writeHead(reply.status, { 'content-type': 'application/json', 'retry-after-ms': '5' })
      res.end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'server_error', code: null } }))
      return
    case 'text':
    case 'tools':
    case 'chunks':
      if (request.stream === true) return sendStream(streamOf(reply, request.stream_options?.include_usage === true), reply.kind === 'chunks' ? reply : {}, res)
      if (reply.kind === 'chunks') throw new Error('a chunks reply needs a streaming request')
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(reply.kind === 'text'
        ? completion({ content: reply.content }, 'stop', reply.usage ?? DEFAULT_USAGE)
        : completion({ content: reply.content ?? null, tool_calls: toolCallsOf(reply.calls) }, 'tool_calls', reply.usage ?? DEFAULT_USAGE))
  }
}

/** Writes SSE chunks one by one; after `cutAfter` content chunks destroys the socket, after `stallAfter` stops. */
function sendStream(chunks: readonly string[], end: { readonly cutAfter?: number; readonly stallAfter?: number }, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  let i = 0
  const next = (): void => {
    // chunks[0] is the role chunk: content chunk n is chunks[n].
    if (end.cutAfter !== undefined && i === end.cutAfter + 1) {
      res.socket?.destroy()
      return
    }
    if (end.stallAfter !== undefined && i === end.stallAfter + 1) return
    if (i === chunks.length) {
      res.end('data: [DONE]\n\n')
      return
    }
    res.write(chunks[i++], () => setImmediate(next))
  }
  next()
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  return Buffer.concat(parts).toString('utf8')
}

/** Starts a scripted OpenAI-compatible Chat Completions server on 127.0.0.1 (a free port). */
export async function startLlmServer(): Promise<LlmServer> {
  const queue: ScriptedReply[] = []
  const requests: RecordedRequest[] = []
  const server: Server = createServer((req, res) => {
    void bodyOf(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end()
        return
      }
      const request = JSON.parse(text) as RecordedRequest
      requests.push(request)
      const reply = queue.shift()
      if (reply === undefined) {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'the test script has no reply left', type: 'invalid_request_error' } }))
        return
      }
      answer(reply, request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => { queue.push(...replies) },
    get pending() { return queue.length },
    reset: () => { queue.length = 0; requests.length = 0 },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
