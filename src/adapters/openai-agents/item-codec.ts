import { ValidationError } from '../../index.js'

/** Where in an item a value JSON cannot hold sits: a path of keys and indexes from the item. */
type Path = readonly (string | number)[]

/**
 * A value JSON text cannot carry, kept beside the text: a `Uint8Array` (its bytes in base64;
 * the text holds the same base64 string) or `undefined` (the text holds `null`).
 */
export type Special = readonly [path: Path, kind: 'bytes' | 'undefined']

/** An item as stored: its JSON text, in the item's own key order, and what JSON could not hold. */
export interface EncodedItem {
  readonly json: string
  readonly specials: readonly Special[]
}

const fail = (where: string, what: string): never => {
  throw new ValidationError('FIELD_INVALID', `an OpenAI Agents item must be JSON data, Uint8Array or undefined; ${where} is ${what}`)
}

const describe = (path: Path): string => (path.length === 0 ? 'the item' : `item.${path.join('.')}`)

function kindOf(value: unknown): string {
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`
  return `an object of class ${Object.prototype.toString.call(value).slice(8, -1)}`
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * An item as JSON text that parses back to an equal item, key order included (a store's JSON
 * column may reorder keys, so the text is what is stored), plus the `Uint8Array`s and
 * `undefined`s JSON has no form for. Anything else that JSON would change (a class instance,
 * a function, a non-finite number, a cycle) is refused.
 * @throws ValidationError
 */
export function encodeItem(item: unknown): EncodedItem {
  const specials: Special[] = []
  const seen = new Set<object>()
  const write = (value: unknown, path: (string | number)[]): string => {
    if (value === undefined) {
      specials.push([[...path], 'undefined'])
      return 'null'
    }
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
    if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : fail(describe(path), kindOf(value))
    if (typeof value !== 'object') return fail(describe(path), kindOf(value))
    if (value instanceof Uint8Array) {
      specials.push([[...path], 'bytes'])
      return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'))
    }
    if (seen.has(value)) return fail(describe(path), 'a cycle')
    seen.add(value)
    try {
      if (Array.isArray(value)) {
        const parts: string[] = []
        for (let i = 0; i < value.length; i++) parts.push(write(value[i], [...path, i]))
        return `[${parts.join(',')}]`
      }
      if (!isPlainObject(value)) return fail(describe(path), kindOf(value))
      const parts: string[] = []
      for (const key of Object.keys(value)) parts.push(`${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], [...path, key])}`)
      return `{${parts.join(',')}}`
    } finally {
      seen.delete(value)
    }
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) fail('the item', kindOf(item))
  return { json: write(item, []), specials }
}

/** Sets `value` at `path` as an own enumerable property (a key such as `__proto__` stays data). */
function put(root: unknown, path: Path, value: unknown): void {
  let parent = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path[path.length - 1]!
  Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true })
}

/** The item `encodeItem` encoded, equal to it (`assert.deepStrictEqual`), key order included. */
export function decodeItem(encoded: EncodedItem): Record<string, unknown> {
  const item = JSON.parse(encoded.json) as Record<string, unknown>
  for (const [path, kind] of encoded.specials) {
    if (kind === 'undefined') {
      put(item, path, undefined)
      continue
    }
    let base64: unknown = item
    for (const key of path) base64 = (base64 as Record<string | number, unknown>)[key]
    put(item, path, new Uint8Array(Buffer.from(base64 as string, 'base64')))
  }
  return item
}

/**
 * A text equal for two values exactly when the SDK counts them as the same (`structurallyEqual`
 * of its `MemorySession`: object key order ignored, arrays in order, bytes by content). Not
 * JSON: every value carries a tag, so no data can pass for a tag.
 */
export function canonicalText(value: unknown): string {
  if (value === undefined) return 'u'
  if (value === null) return 'n'
  if (typeof value === 'boolean') return value ? 't' : 'f'
  if (typeof value === 'number') return `d${String(value)};`
  if (typeof value === 'string') return `s${JSON.stringify(value)}`
  if (value instanceof Uint8Array) return `b${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')};`
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalText(record[key])}`).join(',')}}`
  }
  return `?${typeof value}`
}
