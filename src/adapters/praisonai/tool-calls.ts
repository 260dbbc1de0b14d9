import type { AssistantToolCall, JsonValue } from '../../index.js'
import { invalid } from './checks.js'

// An assistant turn's tool calls: praisonai passes them in OpenAI Chat Completions form
// (`{ id, type: 'function', function: { name, arguments } }`); agentdb keeps `{ id, name,
// arguments }` so that `getHistory` pairs each with its result. Calls in another shape are
// kept verbatim as well, so they come back as they were given.

/** The OpenAI form of one call. */
interface OpenAiCall {
  readonly id: string
  readonly type: 'function'
  readonly function: { readonly name: string; readonly arguments: string }
}

const hasOnlyKeys = (value: object, keys: readonly string[]): boolean => {
  const own = Object.keys(value)
  return own.length === keys.length && keys.every((k) => own.includes(k))
}

function isOpenAiCall(value: unknown): value is OpenAiCall {
  if (typeof value !== 'object' || value === null || !hasOnlyKeys(value, ['id', 'type', 'function'])) return false
  const v = value as Record<string, unknown>
  const fn = v['function']
  return typeof v['id'] === 'string' && v['type'] === 'function' && typeof fn === 'object' && fn !== null &&
    hasOnlyKeys(fn, ['name', 'arguments']) && typeof (fn as Record<string, unknown>)['name'] === 'string' &&
    typeof (fn as Record<string, unknown>)['arguments'] === 'string'
}

/** One call in whatever shape: the id, the name and the arguments as JSON text. */
function projectCall(value: unknown, index: number): AssistantToolCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`toolCalls[${index}] must be an object { id, type, function: { name, arguments } }`)
  const v = value as Record<string, unknown>
  const fn = typeof v['function'] === 'object' && v['function'] !== null ? v['function'] as Record<string, unknown> : v
  const args = fn['arguments'] ?? '{}'
  if (typeof v['id'] !== 'string' || typeof fn['name'] !== 'string') invalid(`toolCalls[${index}] must name its id and function name (strings)`)
  return { id: v['id'], name: fn['name'], arguments: typeof args === 'string' ? args : JSON.stringify(args) }
}

/**
 * An assistant turn's calls as agentdb keeps them, and the given array itself when it is not
 * in the OpenAI form (to be kept verbatim). @throws ValidationError
 */
export function projectToolCalls(calls: unknown): { readonly calls: AssistantToolCall[]; readonly verbatim: JsonValue | undefined } {
  if (!Array.isArray(calls)) invalid('toolCalls must be an array')
  const projected = calls.map(projectCall)
  return { calls: projected, verbatim: calls.every(isOpenAiCall) ? undefined : calls as JsonValue }
}

/** Stored calls in the OpenAI form praisonai's Agent sends. */
export function openAiToolCalls(calls: readonly AssistantToolCall[]): OpenAiCall[] {
  return calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }))
}
