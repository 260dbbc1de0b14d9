import type { JsonValue } from '../../core/records.js'
import type { Dialect, TableName } from '../sql/dialect.js'
import { columnList, type LogicalType } from '../sql/schema.js'

/**
 * PostgreSQL `text` and `jsonb` refuse U+0000, so strings are stored with a reversible
 * escape: U+FFFF (a noncharacter that real text does not use) introduces `0` for NUL and
 * doubles itself. Strings holding neither character are stored as they are, readable in psql.
 */
const ESCAPE = '\uffff'
const NEEDS_ESCAPE = /[\u0000\uffff]/
const TO_ESCAPE = /[\u0000\uffff]/g
const ESCAPED = /\uffff([\uffff0])/g

/** The stored form of a string: NUL and U+FFFF escaped, anything else untouched. */
export function escapeText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(TO_ESCAPE, (c) => (c === ESCAPE ? ESCAPE + ESCAPE : `${ESCAPE}0`)) : value
}

/** The inverse of `escapeText`. */
export function unescapeText(value: string): string {
  return value.includes(ESCAPE) ? value.replace(ESCAPED, (_, c: string) => (c === '0' ? '\u0000' : ESCAPE)) : value
}

/** Applies `map` to every string of a JSON value, object keys included. */
function mapStrings(value: JsonValue, map: (text: string) => string): JsonValue {
  if (typeof value === 'string') return map(value)
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((item: JsonValue) => mapStrings(item, map))
  // fromEntries defines own properties, so a "__proto__" key stays a key
  return Object.fromEntries(Object.entries(value as { readonly [key: string]: JsonValue }).map(([k, v]) => [map(k), mapStrings(v, map)]))
}

/** JSON text for a `jsonb` parameter. JSON.stringify writes NUL as `\u0000`, so text without that (or U+FFFF) needs no walk. */
function toJsonText(value: JsonValue): string {
  const text = JSON.stringify(value)
  return text.includes('\\u0000') || text.includes(ESCAPE) ? JSON.stringify(mapStrings(value, escapeText)) : text
}

/** `jsonb` arrives as text (the driver's parser is turned off for it), parsed once here. */
function fromJsonText(value: unknown): JsonValue {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  const parsed = JSON.parse(text) as JsonValue
  return text.includes(ESCAPE) ? mapStrings(parsed, unescapeText) : parsed
}

/** A timestamptz from the driver (a Date by default) as ISO-8601 UTC with milliseconds. */
function fromTimestamp(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  return new Date(String(value)).toISOString()
}

/** The PostgreSQL type of each logical type, as migration 1 wrote them; also the element type of `unnest`'s arrays. */
export const POSTGRES_TYPES: { readonly [T in LogicalType]: string } = {
  key: 'text', label: 'text', text: 'text', json: 'jsonb', jsonObject: 'jsonb', timestamp: 'timestamptz', integer: 'bigint', real: 'double precision', enum: 'text',
}

/**
 * Column types: keys compare byte-wise (`COLLATE "C"`), so ordering does not depend on the
 * server's locale and the listing cursor `(created_at, id)` matches the index order.
 */
const COLUMN_TYPES: { readonly [T in LogicalType]: string } = { ...POSTGRES_TYPES, key: 'text COLLATE "C"' }

/**
 * The text search vector of message content, as migration 3 indexes it: the `simple`
 * configuration (lower case, no stemming, no stop words), like the other engines' tokenizers.
 * Must stay the expression migration 3 indexes, or searches scan the table.
 */
export const SEARCH_VECTOR = (column: string): string => `to_tsvector('simple'::regconfig, ${column})`

/** Double-quotes an identifier already checked by `checkIdentifier`. */
export const quoteIdentifier = (name: string): string => `"${name}"`

/**
 * PostgreSQL: `$n` placeholders, `INSERT … ON CONFLICT` with `RETURNING`, `timestamptz`
 * and `jsonb` columns, every table qualified by `schema`.
 */
export function postgresDialect(schema: string): Dialect {
  const qualified = quoteIdentifier(schema)
  const table = (name: TableName) => `${qualified}.${quoteIdentifier(name)}`
  return {
    name: 'postgres',
    maxParams: 65_535,
    hasReturning: true,
    lockingRead: ' FOR UPDATE',
    settings: [
      { name: 'serverVersion', sql: 'SHOW server_version' },
      { name: 'synchronousCommit', sql: 'SHOW synchronous_commit' },
    ],
    ddl: { types: COLUMN_TYPES, selfCommitting: false, tableOptions: '' },
    // migration 3's GIN index is on this very expression; plainto_tsquery parses the bound words
    search: {
      param: (words) => words.join(' '),
      from: () => `${table('messages')} m`,
      where: (query) => `${SEARCH_VECTOR('m.content')} @@ plainto_tsquery('simple', ${query})`,
      rank: (query) => `-ts_rank(${SEARCH_VECTOR('m.content')}, plainto_tsquery('simple', ${query}))`,
      rankTakesQuery: true,
    },
    placeholder: (index) => `$${index}`,
    table,
    // CREATE INDEX takes a bare name: the index lives in its table's schema
    index: (name) => quoteIdentifier(name),
    insertIgnoring: (into, rows) => `INSERT INTO ${table(into.name)} (${columnList(into)}) ${rows} ON CONFLICT (${into.primaryKey.join(', ')}) DO NOTHING`,
    upsert: (into, rows, assignments) =>
      `INSERT INTO ${table(into.name)} AS t (${columnList(into)}) ${rows} ON CONFLICT (${into.primaryKey.join(', ')}) DO UPDATE SET ${assignments((c) => `t.${c}`, (c) => `EXCLUDED.${c}`)}`,
    toTime: (iso) => iso,
    fromTime: fromTimestamp,
    toJson: toJsonText,
    fromJson: fromJsonText,
    toText: escapeText,
    fromText: (value) => unescapeText(String(value)),
  }
}
