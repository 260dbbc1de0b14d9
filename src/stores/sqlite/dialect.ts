import type { JsonValue } from '../../core/records.js'
import type { Dialect, TableName } from '../sql/dialect.js'

/** SQLite: `?` placeholders, `ON CONFLICT` upserts with `RETURNING` (3.35+), text timestamps and JSON. */
export function sqliteDialect(prefix: string): Dialect {
  const table = (name: TableName) => `"${prefix}${name}"`
  return {
    name: 'sqlite',
    maxParams: 32_766,
    hasReturning: true,
    placeholder: () => '?',
    table,
    index: (name) => `"${prefix}${name}"`,
    insertIgnoring: (name, columns, values) => `INSERT INTO ${table(name)} (${columns.join(', ')}) VALUES ${values} ON CONFLICT (id) DO NOTHING`,
    upsert: (name, columns, values, conflict, assignments) =>
      `INSERT INTO ${table(name)} AS t (${columns.join(', ')}) VALUES ${values} ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${assignments((c) => `t.${c}`, (c) => `excluded.${c}`)}`,
    toTime: (iso) => iso,
    fromTime: (value) => String(value),
    toJson: (value: JsonValue) => JSON.stringify(value),
    fromJson: (value) => JSON.parse(String(value)) as JsonValue,
    toText: (value) => value,
    fromText: (value) => String(value),
  }
}
