import { jsonTextOf } from '../../core/json-text.js'
import type { JsonValue } from '../../core/records.js'
import type { Dialect, TableName } from '../sql/dialect.js'
import { columnList } from '../sql/schema.js'

/** `PRAGMA synchronous` answers a number. */
const SYNCHRONOUS: readonly string[] = ['off', 'normal', 'full', 'extra']

/** SQLite: `?` placeholders, `ON CONFLICT` upserts with `RETURNING` (3.35+), text timestamps and JSON. */
export function sqliteDialect(prefix: string): Dialect {
  const table = (name: TableName) => `"${prefix}${name}"`
  return {
    name: 'sqlite',
    maxParams: 32_766,
    hasReturning: true,
    lockingRead: '',
    settings: [
      { name: 'journalMode', sql: 'PRAGMA journal_mode' },
      { name: 'synchronous', sql: 'PRAGMA synchronous', read: (raw) => SYNCHRONOUS[Number(raw)] ?? String(raw) },
      { name: 'busyTimeoutMs', sql: 'PRAGMA busy_timeout', read: (raw) => Number(raw) },
      { name: 'sqliteVersion', sql: 'SELECT sqlite_version()' },
    ],
    // Declared types as migration 1 wrote them; SQLite's type affinity makes TEXT hold JSON and ISO timestamps
    ddl: {
      types: { key: 'TEXT', label: 'TEXT', text: 'TEXT', json: 'TEXT', jsonObject: 'TEXT', timestamp: 'TEXT', integer: 'INTEGER', real: 'REAL', enum: 'TEXT' },
      selfCommitting: false,
      tableOptions: '',
    },
    // FTS5 (migration 3): the words as quoted tokens, so no text is read as query syntax; bm25 is lower for a better match
    search: {
      param: (words) => words.map((w) => `"${w}"`).join(' '),
      from: () => `${table('messages_search')} JOIN ${table('messages')} m ON m.rowid = ${table('messages_search')}.rowid`,
      where: (query) => `${table('messages_search')} MATCH ${query}`,
      rank: () => `bm25(${table('messages_search')})`,
      rankTakesQuery: false,
    },
    placeholder: () => '?',
    table,
    index: (name) => `"${prefix}${name}"`,
    insertIgnoring: (into, rows) => `INSERT INTO ${table(into.name)} (${columnList(into)}) ${rows} ON CONFLICT (${into.primaryKey.join(', ')}) DO NOTHING`,
    upsert: (into, rows, assignments) =>
      `INSERT INTO ${table(into.name)} AS t (${columnList(into)}) ${rows} ON CONFLICT (${into.primaryKey.join(', ')}) DO UPDATE SET ${assignments((c) => `t.${c}`, (c) => `excluded.${c}`)}`,
    toTime: (iso) => iso,
    fromTime: (value) => String(value),
    // A batch from the worker crossing carries its JSON fields as text: bound as they came (issue 8)
    toJson: (value: JsonValue) => jsonTextOf(value),
    fromJson: (value) => JSON.parse(String(value)) as JsonValue,
    toText: (value) => value,
    fromText: (value) => String(value),
  }
}
