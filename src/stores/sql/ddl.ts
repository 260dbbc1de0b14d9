import type { DescribedTable, Dialect } from './dialect.js'
import type { ColumnDescription } from './schema.js'

/** `'a', 'b'`: enum values as SQL string literals. */
function literals(values: readonly string[]): string {
  return values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ')
}

function columnDefinition(d: Dialect, column: ColumnDescription): string {
  const parts = [column.name, d.ddl.types[column.type], column.nullable === true ? 'NULL' : 'NOT NULL']
  if (column.type === 'enum') parts.push(`CHECK (${column.name} IN (${literals(column.values)}))`)
  else if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`)
  return parts.join(' ')
}

/**
 * The statements that create `table` and its indexes, in the dialect's types. Used by the
 * migration that introduces a table (see `schema.ts` for the rules); its output is frozen
 * with that migration.
 */
export function createTable(d: Dialect, table: DescribedTable): string[] {
  const name = d.table(table.name)
  const definitions = table.columns.map((column) => columnDefinition(d, column))
  definitions.push(`PRIMARY KEY (${table.primaryKey.join(', ')})`)
  const indexes = table.indexes.map((index) => ({ ...index, name: d.index(index.name), columns: index.columns.join(', ') }))
  if (d.ddl.selfCommitting) definitions.push(...indexes.map((index) => `${index.unique ? 'UNIQUE KEY' : 'KEY'} ${index.name} (${index.columns})`))
  const options = d.ddl.tableOptions === '' ? '' : ` ${d.ddl.tableOptions}`
  const create = `CREATE TABLE ${d.ddl.selfCommitting ? 'IF NOT EXISTS ' : ''}${name} (\n  ${definitions.join(',\n  ')}\n)${options}`
  if (d.ddl.selfCommitting) return [create]
  return [create, ...indexes.map((index) => `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${index.name} ON ${name} (${index.columns})`)]
}
