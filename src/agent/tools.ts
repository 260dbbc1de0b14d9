import { ConfigError, type AssistantToolCall, type JsonObject, type JsonValue } from '../index.js'

/** What a tool's `execute` gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the run is (the `signal` given to `runAsync`, `run` or `stream`). */
  readonly signal: AbortSignal
}

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = { readonly [key: string]: unknown }

/** The part of a zod 4 schema the agent uses; zod itself is never imported. */
export interface ZodSchemaLike {
  readonly _zod: object
  toJSONSchema(): JsonSchema
  safeParse(value: unknown): { readonly success: true; readonly data: unknown } | { readonly success: false; readonly error: { readonly message: string } }
}

/**
 * A function the model may call. `parameters` is a JSON Schema or a zod 4 schema (then the
 * model's arguments are parsed with it, and a mismatch is told to the model). What `execute`
 * returns goes back to the model as JSON (a string as it is); what it throws is recorded as the
 * call's error and told to the model.
 */
export interface AgentTool<Args = Record<string, unknown>> {
  readonly name: string
  readonly description?: string
  readonly parameters?: JsonSchema | ZodSchemaLike
  execute(args: Args, context: ToolContext): unknown
}

/** A tool as the Chat Completions request lists it. */
export interface ToolSpec {
  readonly type: 'function'
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: JsonSchema }
}

/** How one tool call went: what the run records and tells the model. */
export interface ToolOutcome {
  readonly call: AssistantToolCall
  /** The model's arguments, parsed ({} when they were not a JSON object). */
  readonly arguments: JsonObject
  readonly result: JsonValue
  readonly error: string | null
  readonly durationMs: number
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/

const isZod = (value: unknown): value is ZodSchemaLike =>
  typeof value === 'object' && value !== null && '_zod' in value && typeof (value as { toJSONSchema?: unknown }).toJSONSchema === 'function'

const isZod3 = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !('_zod' in value) && '_def' in value && typeof (value as { safeParse?: unknown }).safeParse === 'function'

/** The tools by name. @throws ConfigError on a malformed tool, a repeated name or a zod 3 schema */
export function checkTools(tools: unknown): ReadonlyMap<string, AgentTool> {
  const byName = new Map<string, AgentTool>()
  if (tools === undefined) return byName
  if (!Array.isArray(tools)) throw new ConfigError('OPTION_INVALID', `tools must be an array of { name, description, parameters, execute }, got ${typeof tools}`)
  tools.forEach((tool: unknown, i) => {
    const t = (typeof tool === 'object' && tool !== null ? tool : {}) as Partial<AgentTool>
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) throw new ConfigError('OPTION_INVALID', `tools[${i}].name must match ${String(TOOL_NAME)}, got ${JSON.stringify(t.name)}`)
    if (typeof t.execute !== 'function') throw new ConfigError('OPTION_INVALID', `tools[${i}].execute must be a function (tool "${t.name}")`)
    if (byName.has(t.name)) throw new ConfigError('OPTION_INVALID', `tools[${i}].name repeats "${t.name}"`)
    if (isZod3(t.parameters)) throw new ConfigError('OPTION_INVALID', `tools[${i}].parameters is a zod 3 schema; use zod 4 (which has toJSONSchema) or a JSON Schema (tool "${t.name}")`)
    if (t.parameters !== undefined && (typeof t.parameters !== 'object' || t.parameters === null)) throw new ConfigError('OPTION_INVALID', `tools[${i}].parameters must be a JSON Schema or a zod schema (tool "${t.name}")`)
    byName.set(t.name, t as AgentTool)
  })
  return byName
}

function schemaOf(tool: AgentTool): JsonSchema {
  if (tool.parameters === undefined) return { type: 'object', properties: {} }
  if (!isZod(tool.parameters)) return tool.parameters as JsonSchema
  const { $schema: _ignored, ...schema } = tool.parameters.toJSONSchema()
  return schema
}

/** The tools as the model request lists them. */
export function toolSpecs(tools: ReadonlyMap<string, AgentTool>): ToolSpec[] {
  return [...tools.values()].map((tool) => ({
    type: 'function',
    function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: schemaOf(tool) },
  }))
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)) || 'the tool failed'

/** The model's JSON text as an object, or why it is not one. */
function parseArguments(text: string): JsonObject | string {
  let value: unknown
  try {
    value = JSON.parse(text === '' ? '{}' : text)
  } catch {
    return 'the arguments are not valid JSON'
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JsonObject : 'the arguments are not a JSON object'
}

/** A tool's return value as the model will see it: JSON (undefined is null). @throws when JSON cannot hold it */
function asJson(value: unknown): JsonValue {
  if (value === undefined) return null
  if (typeof value === 'string') return value
  const text = JSON.stringify(value) as string | undefined
  return text === undefined ? null : JSON.parse(text) as JsonValue
}

/** Settles with `work`, or rejects as soon as `signal` aborts (a tool that ignores its signal is not waited for). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  let stop: () => void = () => undefined
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason as Error)
    signal.addEventListener('abort', stop, { once: true })
  })
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', stop))
}

async function invoke(tool: AgentTool, args: JsonObject, signal: AbortSignal): Promise<JsonValue> {
  let input: unknown = args
  if (isZod(tool.parameters)) {
    const parsed = tool.parameters.safeParse(args)
    if (!parsed.success) throw new Error(`the arguments do not match the tool's schema: ${parsed.error.message}`)
    input = parsed.data
  }
  return asJson(await untilAborted(Promise.resolve().then(() => tool.execute(input as Record<string, unknown>, { signal })), signal))
}

/**
 * Runs one tool call the model asked for. Never rejects: an unknown tool, arguments that are
 * not a JSON object or do not match the schema, a throw, a result JSON cannot hold, and an
 * abort all become the outcome's `error`, which the model is told.
 */
export async function executeTool(tools: ReadonlyMap<string, AgentTool>, call: AssistantToolCall, signal: AbortSignal): Promise<ToolOutcome> {
  const started = performance.now()
  const parsed = parseArguments(call.arguments)
  const args = typeof parsed === 'string' ? {} : parsed
  const done = (result: JsonValue, error: string | null): ToolOutcome => ({ call, arguments: args, result, error, durationMs: Math.round((performance.now() - started) * 1000) / 1000 })
  const tool = tools.get(call.name)
  if (tool === undefined) return done(null, `there is no tool "${call.name.slice(0, 64)}"`)
  if (typeof parsed === 'string') return done(null, parsed)
  try {
    return done(await invoke(tool, args, signal), null)
  } catch (error) {
    return done(null, signal.aborted ? 'the run was interrupted before the tool returned' : messageOf(error))
  }
}

/** What the model is told of a call: its result (a string as it is, else JSON) or `error: …`, as `getHistory` renders it. */
export function toolContent(outcome: ToolOutcome): string {
  if (outcome.error !== null) return `error: ${outcome.error}`
  return typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result)
}
