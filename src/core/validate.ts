import { ValidationError, quote, type ErrorCode } from './errors.js'
import type { JsonObject, JsonValue } from './records.js'

/** Longest accepted session id, agent name, agent id, user id or tool name (fits VARCHAR(255)). */
export const MAX_ID_LENGTH = 255
/** Longest accepted message content, in UTF-16 code units (16 Mi). */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024
const MAX_DEPTH = 200
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Whether a string is well-formed Unicode (no lone surrogate, which no store can keep). */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value)

function fail(code: ErrorCode, message: string): never {
  throw new ValidationError(code, message)
}

/** A session id: a non-empty string of at most 255 characters. */
export function checkSessionId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    fail('SESSION_ID_INVALID', `sessionId must be a non-empty string of at most ${MAX_ID_LENGTH} characters, got ${quote(value)}`)
  }
  if (LONE_SURROGATE.test(value)) fail('SESSION_ID_INVALID', 'sessionId must be well-formed Unicode (it has a lone surrogate)')
  return value
}

/** A short identifying string (name, agent id, tool name). `allowEmpty` admits "". */
export function checkName(field: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > MAX_ID_LENGTH) {
    const what = allowEmpty ? 'a string' : 'a non-empty string'
    fail('FIELD_INVALID', `${field} must be ${what} of at most ${MAX_ID_LENGTH} characters, got ${quote(value)}`)
  }
  if (LONE_SURROGATE.test(value)) fail('FIELD_INVALID', `${field} must be well-formed Unicode (it has a lone surrogate)`)
  return value
}

/** Optional short string: undefined or null gives null. */
export function checkOptionalName(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : checkName(field, value, false)
}

/** Message content: any well-formed string up to 16 Mi code units. The content is never quoted in errors. */
export function checkContent(value: unknown): string {
  if (typeof value !== 'string') fail('CONTENT_INVALID', `content must be a string, got ${typeof value === 'object' ? quote(value) : typeof value}`)
  if (value.length > MAX_CONTENT_LENGTH) fail('CONTENT_INVALID', `content must be at most ${MAX_CONTENT_LENGTH} characters, got ${value.length}`)
  if (LONE_SURROGATE.test(value)) fail('CONTENT_INVALID', 'content must be well-formed Unicode (it has a lone surrogate, which no store can keep)')
  return value
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function checkJsonInner(field: string, path: string, value: unknown, ancestors: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) fail('JSON_UNFAITHFUL', `${field}${path} is a string with a lone surrogate, which JSON stores cannot keep`)
      return
    case 'boolean':
      return
    case 'number':
      if (!Number.isFinite(value)) fail('JSON_UNFAITHFUL', `${field}${path} is ${value}, which JSON cannot represent`)
      return
    case 'object':
      break
    default:
      fail('JSON_UNFAITHFUL', `${field}${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, which JSON cannot represent`)
  }
  if (value === null) return
  if (depth > MAX_DEPTH) fail('JSON_UNFAITHFUL', `${field} is nested deeper than ${MAX_DEPTH} levels`)
  if (ancestors.has(value)) fail('JSON_UNFAITHFUL', `${field}${path} refers back to itself (a cycle), which JSON cannot represent`)
  ancestors.add(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail('JSON_UNFAITHFUL', `${field}${path}[${i}] is a hole in the array, which JSON turns into null`)
      checkJsonInner(field, `${path}[${i}]`, value[i], ancestors, depth + 1)
    }
  } else {
    if (!isPlainObject(value)) fail('JSON_UNFAITHFUL', `${field}${path} is ${quote(value)}; only plain objects, arrays, strings, finite numbers, booleans and null round-trip (convert dates to ISO strings)`)
    if (Object.getOwnPropertySymbols(value).length > 0) fail('JSON_UNFAITHFUL', `${field}${path} has symbol keys, which JSON drops`)
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key]
      if (child === undefined) continue // JSON semantics: an undefined property is absent
      if (LONE_SURROGATE.test(key)) fail('JSON_UNFAITHFUL', `${field}${path} has a key with a lone surrogate`)
      checkJsonInner(field, `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`, child, ancestors, depth + 1)
    }
  }
  ancestors.delete(value)
}

/** What `copyJson` returns when some part of the value is not JSON-faithful. */
const UNFAITHFUL: unique symbol = Symbol('unfaithful')

/**
 * A copy of a JSON-faithful value, made in the same walk that checks it, or UNFAITHFUL as
 * soon as any part is not. It builds no paths and tracks no ancestors: a cycle runs past
 * MAX_DEPTH and fails like any other fault, and `checkJsonInner` then names it.
 */
function copyJson(value: unknown, depth: number): JsonValue | typeof UNFAITHFUL {
  switch (typeof value) {
    case 'string':
      return LONE_SURROGATE.test(value) ? UNFAITHFUL : value
    case 'boolean':
      return value
    case 'number':
      // JSON has no -0: every JSON store reads it back as 0, so every store is given 0
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : UNFAITHFUL
    case 'object':
      break
    default:
      return UNFAITHFUL
  }
  if (value === null) return null
  if (depth > MAX_DEPTH) return UNFAITHFUL
  if (Array.isArray(value)) {
    const items: JsonValue[] = []
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return UNFAITHFUL
      const item = copyJson(value[i], depth + 1)
      if (item === UNFAITHFUL) return UNFAITHFUL
      items.push(item)
    }
    return items
  }
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return UNFAITHFUL
  const copy: Record<string, JsonValue> = {}
  // for-in with hasOwn visits what Object.keys lists, in its order, without allocating the list.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const child = (value as Record<string, unknown>)[key]
    if (child === undefined) continue // JSON semantics: an undefined property is absent
    if (LONE_SURROGATE.test(key)) return UNFAITHFUL
    const item = copyJson(child, depth + 1)
    if (item === UNFAITHFUL) return UNFAITHFUL
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true })
    else copy[key] = item
  }
  return copy
}

function copyChecked(field: string, value: unknown): JsonValue {
  const copy = copyJson(value, 0)
  if (copy !== UNFAITHFUL) return copy
  checkJsonInner(field, '', value, new Set(), 0) // throws the error that names the fault
  return fail('JSON_UNFAITHFUL', `${field} changed while it was read (a getter?), so it cannot be stored faithfully`)
}

/**
 * Any JSON value that round-trips unchanged, as a copy: the write holds the caller's data as
 * it was at the call, and a store may keep the copy (nothing else refers to it). undefined gives null.
 */
export function checkJson(field: string, value: unknown): JsonValue {
  if (value === undefined) return null
  return copyChecked(field, value)
}

/** A JSON object (metadata, tool arguments), as a copy like `checkJson`'s. undefined and null give {}. */
export function checkJsonObject(field: string, value: unknown): JsonObject {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) fail('JSON_UNFAITHFUL', `${field} must be a plain object, got ${quote(value)}`)
  return copyChecked(field, value) as JsonObject
}

/** A positive integer limit, or undefined. */
export function checkLimit(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail('FIELD_INVALID', `${field} must be a positive integer, got ${quote(value)}`)
  return value
}

/** A non-negative integer sequence bound, or undefined. */
export function checkSeq(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail('FIELD_INVALID', `${field} must be a non-negative integer, got ${quote(value)}`)
  return value
}
