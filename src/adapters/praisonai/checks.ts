import { ValidationError } from '../../index.js'

// Argument checks of the praisonai records, before anything is written. Values that reach a
// hook are checked again there; these cover what the hooks cannot see (epoch times, statuses,
// the verbatim records kept as session keys).

/** Longest record id the adapter takes: it becomes part of a session key of at most 255 characters. */
export const MAX_RECORD_ID = 200

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A value for an error message, cut short; never message content. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

export function invalid(message: string, code: 'FIELD_INVALID' | 'JSON_UNFAITHFUL' = 'FIELD_INVALID'): never {
  throw new ValidationError(code, message)
}

function unfaithful(message: string): never {
  invalid(message, 'JSON_UNFAITHFUL')
}

/** A praisonai record: an object. */
export function checkRecord(what: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${what} must be an object, got ${shown(value)}`)
  return value as Record<string, unknown>
}

/** A record id: a non-empty string of at most 200 characters. */
export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RECORD_ID || LONE_SURROGATE.test(value)) {
    invalid(`${field} must be a non-empty string of at most ${MAX_RECORD_ID} characters, got ${shown(value)}`)
  }
  return value
}

/** A session id: a non-empty string of at most 255 characters, as agentdb takes it. */
export function checkSessionId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || LONE_SURROGATE.test(value)) {
    throw new ValidationError('SESSION_ID_INVALID', `${field} must be a non-empty string of at most 255 characters, got ${shown(value)}`)
  }
  return value
}

/** An epoch time in milliseconds: a whole number a `Date` can hold. */
export function checkTime(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || Math.abs(value) > 8.64e15) {
    invalid(`${field} must be a time in whole epoch milliseconds, got ${shown(value)}`)
  }
  return value
}

export function checkOptionalTime(field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkTime(field, value)
}

export function checkOptionalText(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || LONE_SURROGATE.test(value)) invalid(`${field} must be a well-formed string, got ${shown(value)}`)
  return value
}

/** An optional name agentdb keeps in a short field: at most 255 characters. */
export function checkOptionalName(field: string, value: unknown): string | undefined {
  const text = checkOptionalText(field, value)
  if (text !== undefined && text.length > 255) invalid(`${field} must be at most 255 characters, got ${text.length}`)
  return text
}

export function checkChoice<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) invalid(`${field} must be one of ${allowed.join(', ')}, got ${shown(value)}`)
  return value as T
}

function checkJsonInner(field: string, value: unknown, seen: Set<object>, depth: number): void {
  if (value === null || typeof value === 'boolean') return
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) unfaithful(`${field} holds a string with a lone surrogate, which JSON stores cannot keep`)
    return
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) unfaithful(`${field} holds ${value}, which JSON cannot represent`)
    return
  }
  if (typeof value !== 'object') unfaithful(`${field} holds ${shown(value)}, which JSON cannot represent`)
  if (depth > 200 || seen.has(value)) unfaithful(`${field} is nested too deep or refers back to itself`)
  seen.add(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) unfaithful(`${field} has a hole in an array, which JSON turns into null`)
      checkJsonInner(field, value[i], seen, depth + 1)
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) unfaithful(`${field} holds ${shown(value)} that is not a plain object`)
    for (const child of Object.values(value)) checkJsonInner(field, child, seen, depth + 1)
  }
  seen.delete(value)
}

/** Optional metadata or attributes: absent, or a plain object of JSON values. */
export function checkJsonObject(field: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`${field} must be a plain object, got ${shown(value)}`)
  checkJsonInner(field, value, new Set(), 0)
  return value as Record<string, unknown>
}

/** A `limit` as praisonai passes it: absent or 0 means all; else a positive whole number. */
export function checkLimit(field: string, value: unknown): number | undefined {
  if (value === undefined || value === 0) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid(`${field} must be a non-negative whole number, got ${shown(value)}`)
  return value
}

/** An update may not rename its record. */
export function checkSameId(field: string, id: string, updates: Record<string, unknown>): void {
  if (updates[field] !== undefined && updates[field] !== id) invalid(`updates.${field} must be ${shown(id)} (a record keeps its id), got ${shown(updates[field])}`)
}

/** Epoch milliseconds as the ISO-8601 UTC text agentdb records use. */
export const isoTime = (ms: number): string => new Date(ms).toISOString()

/** An agentdb time as epoch milliseconds. */
export const epochMs = (iso: string): number => Date.parse(iso)
