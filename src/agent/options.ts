import { ConfigError, PraisonAIDB } from '../index.js'
import { checkTools, type AgentTool } from './tools.js'

/** The model endpoint: any OpenAI-compatible Chat Completions API. */
export interface LlmOptions {
  /** Default `OPENAI_MODEL`, else `gpt-4o-mini`. */
  readonly model?: string
  /** Default `OPENAI_BASE_URL`, else OpenAI's (`http://localhost:11434/v1` for Ollama, …). */
  readonly baseURL?: string
  /** Default `OPENAI_API_KEY`; a local endpoint (a `baseURL` given) needs none. */
  readonly apiKey?: string
  /** Retries of a failed request (429, 5xx, connection), with the client's backoff (default 2). */
  readonly maxRetries?: number
  /** Longest wait for one model request, in ms (default 600 000). */
  readonly timeoutMs?: number
}

/** What to do when a step of a run cannot be stored: reject the run (default), or log and go on. */
export type PersistenceErrorPolicy = 'throw' | 'warn'

/** Options of `new Agent(…)`. */
export interface AgentOptions {
  /** The agent's name (kept on its agent state and session). */
  readonly name?: string
  /** The system instructions, sent first on every model call. */
  readonly instructions?: string
  /** Where runs are stored; without one, nothing is. The agent never closes it. */
  readonly db?: PraisonAIDB | undefined
  /** `runAsync` and `stream` use the `aon*` hooks (true, default) or the synchronous `on*` ones (false). */
  readonly asyncMode?: boolean
  /** A model name or the endpoint's settings (see `LlmOptions`). */
  readonly llm?: string | LlmOptions
  readonly tools?: readonly AgentTool[]
  /** The session to write to and resume; default a new random one (`agent.sessionId`). */
  readonly sessionId?: string
  readonly userId?: string
  /** The agent id kept on its agent state. */
  readonly agentId?: string
  /** How many past turns a resumed session sends the model (default all). */
  readonly historyLimit?: number
  /** Most model calls one run makes before it stops with `MAX_STEPS` (default 10). */
  readonly maxSteps?: number
  readonly onPersistenceError?: PersistenceErrorPolicy
}

/** The endpoint an agent calls, resolved from its options and the environment. */
export interface ModelSettings {
  readonly model: string
  readonly baseURL: string | undefined
  readonly apiKey: string | undefined
  readonly maxRetries: number
  readonly timeoutMs: number
}

/** An agent's options after defaults and checks. */
export interface AgentSettings {
  readonly name: string
  readonly instructions: string
  readonly db: PraisonAIDB | undefined
  readonly asyncMode: boolean
  readonly tools: ReadonlyMap<string, AgentTool>
  readonly sessionId: string
  readonly userId: string | undefined
  readonly agentId: string | undefined
  readonly historyLimit: number | undefined
  readonly maxSteps: number
  readonly onPersistenceError: PersistenceErrorPolicy
}

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

function invalid(name: string, expected: string, value: unknown): ConfigError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value
  return new ConfigError('OPTION_INVALID', `${name} must be ${expected}, got ${shown}`)
}

function text(options: object, name: string, fallback: string | undefined, allowEmpty = false): string | undefined {
  const value: unknown = (options as Record<string, unknown>)[name]
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw invalid(name, 'a string', value)
  if (!allowEmpty && (value === '' || value.length > 255)) throw invalid(name, 'a non-empty string of at most 255 characters', value)
  return value
}

function integer(options: object, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const value: unknown = (options as Record<string, unknown>)[name]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw invalid(name, `an integer from ${min} to ${max}`, value)
  return value
}

/** Checks an agent's options. @throws ConfigError naming the first wrong option */
export function agentSettings(options: AgentOptions): AgentSettings {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options)
  const db: unknown = options.db
  if (db !== undefined && !(db instanceof PraisonAIDB)) throw invalid('db', 'a PraisonAIDB', db)
  const asyncMode: unknown = options.asyncMode ?? true
  if (typeof asyncMode !== 'boolean') throw invalid('asyncMode', 'a boolean', asyncMode)
  const policy: unknown = options.onPersistenceError ?? 'throw'
  if (policy !== 'throw' && policy !== 'warn') throw invalid('onPersistenceError', '"throw" or "warn"', policy)
  return {
    name: text(options, 'name', 'Agent')!,
    instructions: text(options, 'instructions', 'You are a helpful assistant.', true)!,
    db, asyncMode, onPersistenceError: policy,
    tools: checkTools(options.tools),
    sessionId: text(options, 'sessionId', undefined) ?? crypto.randomUUID(),
    userId: text(options, 'userId', undefined),
    agentId: text(options, 'agentId', undefined),
    historyLimit: integer(options, 'historyLimit', undefined, 1, 1_000_000),
    maxSteps: integer(options, 'maxSteps', 10, 1, 1000)!,
  }
}

/** The model endpoint from `llm` and `OPENAI_MODEL`/`OPENAI_BASE_URL`/`OPENAI_API_KEY`. @throws ConfigError */
export function modelSettings(llm: AgentOptions['llm']): ModelSettings {
  const given: LlmOptions = typeof llm === 'string' ? { model: llm } : llm ?? {}
  if (typeof given !== 'object' || given === null) throw invalid('llm', 'a model name or { model, baseURL, apiKey }', given)
  const model = text(given, 'model', env('OPENAI_MODEL') ?? 'gpt-4o-mini')!
  const baseURL = text(given, 'baseURL', env('OPENAI_BASE_URL'), true)
  if (baseURL !== undefined && !URL.canParse(baseURL)) throw new ConfigError('OPTION_INVALID', 'llm.baseURL must be an absolute http(s) URL')
  const apiKey: unknown = given.apiKey ?? env('OPENAI_API_KEY')
  if (apiKey !== undefined && typeof apiKey !== 'string') throw new ConfigError('OPTION_INVALID', `llm.apiKey must be a string, got ${typeof apiKey}`)
  return {
    model, baseURL, apiKey,
    maxRetries: integer(given, 'maxRetries', 2, 0, 20)!,
    timeoutMs: integer(given, 'timeoutMs', 600_000, 1, 3_600_000)!,
  }
}

/** Throws unless the settings name an endpoint: an API key (OpenAI) or a base URL (a local server). */
export function checkEndpoint(settings: ModelSettings): void {
  if (settings.apiKey === undefined && settings.baseURL === undefined) {
    throw new ConfigError('OPTION_INVALID', 'the agent has no model endpoint: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (Ollama, vLLM, LM Studio …), or pass llm: { baseURL, apiKey }')
  }
}
