import { ConfigError, ValidationError, type ChatMessage, type PraisonAIDB } from '../index.js'
import { DeltaChannel } from './channel.js'
import { asyncHooks, NO_HOOKS, syncHooks, type Hooks } from './hooks.js'
import { Model } from './model.js'
import { agentSettings, checkEndpoint, modelSettings, type AgentOptions, type AgentSettings, type ModelSettings } from './options.js'
import { executeRun, type AgentRun } from './run.js'
import { toolSpecs, type ToolSpec } from './tools.js'

/** Options of one run. */
export interface RunOptions {
  /** Aborts the run: passed on to the model call and to the tools; the run ends `interrupted`. */
  readonly signal?: AbortSignal
}

/** The last `turns` turns of a conversation (a turn: a user message and what follows it). */
function lastTurns(messages: readonly ChatMessage[], turns: number | undefined): ChatMessage[] {
  if (turns === undefined) return [...messages]
  let seen = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user' && ++seen === turns) return messages.slice(i)
  }
  return [...messages]
}

/** A store that cannot read (a write-only user store) resumes nothing. */
function noHistoryWithoutReads(error: unknown): ChatMessage[] {
  if (error instanceof ConfigError && error.code === 'CAPABILITY_MISSING') return []
  throw error
}

const MAX_PROMPT_LENGTH = 16 * 1024 * 1024
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The rule every store applies to content, checked before a run writes anything (docs/errors.md, CONTENT_INVALID). */
function checkPrompt(prompt: unknown): void {
  if (typeof prompt !== 'string') throw new ValidationError('CONTENT_INVALID', `prompt must be a string, got ${prompt === null ? 'null' : typeof prompt}`)
  if (prompt.length > MAX_PROMPT_LENGTH) throw new ValidationError('CONTENT_INVALID', `prompt must be at most ${MAX_PROMPT_LENGTH} characters, got ${prompt.length}`)
  if (LONE_SURROGATE.test(prompt)) throw new ValidationError('CONTENT_INVALID', 'prompt must be well-formed Unicode (it has a lone surrogate, which no store can keep)')
}

/**
 * An LLM agent whose every step is stored through the hooks of its `db`: the seed's
 * "Wire to Async Agent". It talks to any OpenAI-compatible endpoint (the optional peer
 * `openai` is loaded on the first model call), runs its tools when the model asks (in
 * parallel), and resumes its session's history after a restart.
 *
 * On a session's first use it calls `aonAgentStart` and takes the session's history (the
 * last `historyLimit` turns) as the conversation after its instructions. Each run stores a
 * run with a trace (a span per model call and per tool execution), the user message, each
 * tool call and each agent message; `aclose()`/`close()` (or disposal) store `aonAgentEnd`.
 * Runs of one agent happen one after another, in call order.
 *
 * @throws ConfigError from the constructor when an option is wrong; from a run when no model
 * endpoint is configured or `openai` is not installed (before anything is stored).
 */
export class Agent implements AsyncDisposable, Disposable {
  /** The store it was given (never closed by the agent), or undefined. */
  readonly db: PraisonAIDB | undefined
  readonly #settings: AgentSettings
  readonly #modelSettings: ModelSettings
  readonly #model: Model
  readonly #specs: readonly ToolSpec[]
  readonly #hooks: { readonly async: Hooks; readonly sync: Hooks }
  /** The system message and the conversation; undefined until the session's first use. */
  #context: ChatMessage[] | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #lastRun: AgentRun | null = null
  #closing: Promise<void> | undefined

  constructor(options: AgentOptions = {}) {
    this.#settings = agentSettings(options)
    this.#modelSettings = modelSettings(options.llm)
    this.#model = new Model(this.#modelSettings)
    this.#specs = toolSpecs(this.#settings.tools)
    this.db = this.#settings.db
    this.#hooks = this.db === undefined ? { async: NO_HOOKS, sync: NO_HOOKS } : { async: asyncHooks(this.db), sync: syncHooks(this.db) }
  }

  get name(): string {
    return this.#settings.name
  }

  /** The session it writes to: the one given, or a random one made at construction. */
  get sessionId(): string {
    return this.#settings.sessionId
  }

  /** The model it asks for. */
  get model(): string {
    return this.#model.name
  }

  /** The last run that finished, however it ended; null before the first. */
  get lastRun(): AgentRun | null {
    return this.#lastRun
  }

  /**
   * Answers a prompt, storing the run through the `aon*` hooks (the `on*` ones when
   * `asyncMode: false`). Resolves to the answer text; `lastRun` holds the run.
   * @throws AgentRunError when the run is aborted, the model fails (after its retries), the
   * loop reaches `maxSteps` or a step cannot be stored: the run is stored as `interrupted` or
   * `error` with the partial answer, which the error carries as `answer`.
   * @throws ValidationError when the prompt is not content a store can keep (nothing is written).
   * @throws ConfigError when no model endpoint is configured or `openai` is not installed.
   * @throws StoreUnavailableError or StoreError when the session's first use (agent start,
   * history) cannot be stored or read, under `onPersistenceError: "throw"`; no run has started.
   */
  runAsync(prompt: string, options: RunOptions = {}): Promise<string> {
    return this.#enqueue(() => this.#run(prompt, this.#surface(), options.signal))
  }

  /**
   * `runAsync` on the synchronous hook surface (`on*` and the `*Sync` reads): for sync stores
   * and `asyncMode: false` code. It still returns a promise: the model answers over the network.
   */
  run(prompt: string, options: RunOptions = {}): Promise<string> {
    return this.#enqueue(() => this.#run(prompt, this.#hooks.sync, options.signal))
  }

  /**
   * `runAsync`, streamed: yields the answer's text deltas as they arrive and stores the whole
   * answer when done. Leaving the loop early aborts the run (stored as `interrupted` with
   * what had streamed). A failed run throws its `AgentRunError` after the deltas it gave.
   */
  async *stream(prompt: string, options: RunOptions = {}): AsyncGenerator<string, void, undefined> {
    const channel = new DeltaChannel()
    const stop = new AbortController()
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal])
    const done = this.#enqueue(() => this.#run(prompt, this.#surface(), signal, (text) => channel.push(text)))
    void done.then(() => channel.end(), (error: unknown) => channel.end({ error }))
    try {
      yield* channel
    } finally {
      if (!channel.ended) {
        stop.abort(new DOMException('the stream was closed before the answer ended', 'AbortError'))
        // The reader left: the run's end (stored as interrupted) is waited for, its error is in lastRun.
        await done.catch(() => undefined)
      }
    }
  }

  /**
   * Waits for the runs in progress, then stores `aonAgentEnd` (once per started session).
   * Concurrent calls share one promise; a run afterwards starts the session again.
   */
  aclose(): Promise<void> {
    this.#closing ??= this.#end(this.#surface()).finally(() => { this.#closing = undefined })
    return this.#closing
  }

  /** Stores `onAgentEnd` now (synchronously) if the session was started. */
  close(): void {
    if (this.#context === undefined) return
    this.#context = undefined
    this.db?.onAgentEnd(this.#agentEvent())
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.aclose()
  }

  [Symbol.dispose](): void {
    this.close()
  }

  #surface(): Hooks {
    return this.#settings.asyncMode ? this.#hooks.async : this.#hooks.sync
  }

  #agentEvent(): { sessionId: string; name: string; agentId?: string; userId?: string } {
    const { sessionId, name, agentId, userId } = this.#settings
    return { sessionId, name, ...(agentId === undefined ? {} : { agentId }), ...(userId === undefined ? {} : { userId }) }
  }

  async #end(hooks: Hooks): Promise<void> {
    await this.#queue
    if (this.#context === undefined) return
    this.#context = undefined
    await hooks.agentEnd(this.#agentEvent())
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task)
    // The queue only orders runs; each run's failure reaches its own caller.
    this.#queue = result.then(() => undefined, () => undefined)
    return result
  }

  /** The session's first use: the agent start, and its history as the conversation. */
  async #start(hooks: Hooks): Promise<ChatMessage[]> {
    const { sessionId, historyLimit, instructions, onPersistenceError } = this.#settings
    let history: ChatMessage[] = []
    try {
      await hooks.agentStart(this.#agentEvent())
      history = await hooks.history(sessionId, historyLimit).catch(noHistoryWithoutReads)
    } catch (error) {
      if (onPersistenceError === 'throw') throw error
      console.warn(`agentdb: the agent could not start its session or read its history (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}); it goes on without`)
    }
    return [{ role: 'system', content: instructions }, ...history]
  }

  async #run(prompt: string, hooks: Hooks, signal: AbortSignal | undefined, onDelta?: (text: string) => void): Promise<string> {
    checkPrompt(prompt)
    checkEndpoint(this.#modelSettings)
    await this.#model.ready()
    this.#context ??= await this.#start(hooks)
    const [system, ...past] = this.#context
    const { run, messages } = await executeRun(
      { settings: this.#settings, hooks, model: this.#model, tools: this.#specs, context: this.#context },
      { prompt, signal: signal ?? new AbortController().signal, onDelta },
    )
    this.#context = [system!, ...lastTurns([...past, ...messages], this.#settings.historyLimit)]
    this.#lastRun = run
    if (run.error !== null) throw run.error
    return run.output
  }
}
