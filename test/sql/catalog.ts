import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import type { RowDataPacket } from 'mysql2/promise'
import type { DescribedTable, Dialect } from '../../src/stores/sql/dialect.js'
import { withRoot } from '../mysql/server.js'
import { withAdmin } from '../postgres/admin.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

/**
 * A table as a catalog reports it, in one shape for every engine: physical types in the
 * spelling of the dialect's `ddl.types` (lower case), defaults as text, index names without
 * the dialect's quoting, the enum checks as column → allowed values.
 */
export interface CatalogTable {
  readonly columns: readonly { readonly name: string; readonly type: string; readonly nullable: boolean; readonly default: string | null }[]
  readonly primaryKey: readonly string[]
  readonly indexes: readonly { readonly name: string; readonly unique: boolean; readonly columns: readonly string[] }[]
  readonly checks: Readonly<Record<string, readonly string[]>>
  readonly options: string
}

/** Tables by their name without the prefix. */
export type Catalog = Readonly<Record<string, CatalogTable>>

/** What `table` should look like in a catalog, per its description and `d`'s types. */
export function expectedTable(d: Dialect, table: DescribedTable, canonicalType: (type: string) => string = (type) => type.toLowerCase()): CatalogTable {
  const checks: Record<string, readonly string[]> = {}
  for (const column of table.columns) if (column.type === 'enum') checks[column.name] = column.values
  return {
    columns: table.columns.map((column) => ({
      name: column.name,
      type: canonicalType(d.ddl.types[column.type]),
      nullable: column.nullable === true,
      default: column.type !== 'enum' && column.default !== undefined ? String(column.default) : null,
    })),
    primaryKey: table.primaryKey,
    indexes: table.indexes.map((index) => ({ name: unquote(d.index(index.name)), unique: index.unique, columns: index.columns })).sort(byName),
    checks,
    options: d.ddl.tableOptions,
  }
}

const unquote = (name: string): string => name.replace(/^["`]|["`]$/g, '')
const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** The quoted string literals of a CHECK clause, for `x IN ('a', 'b')` and PostgreSQL's `x = ANY (ARRAY['a'::text, …])`. */
function checkValues(clause: string): string[] {
  return [...clause.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"))
}

/** The column a CHECK clause tests: its first identifier. */
function checkColumn(clause: string): string {
  return /[`"]?([a-z_][a-z0-9_]*)[`"]?\s*(?:=|in\b)/i.exec(clause)![1]!
}

function addCheck(checks: Record<string, readonly string[]>, clause: string): void {
  checks[checkColumn(clause)] = checkValues(clause)
}

function withoutPrefix(prefix: string, name: string): string {
  if (!name.startsWith(prefix)) throw new Error(`table ${name} lacks the prefix ${prefix}`)
  return name.slice(prefix.length)
}

/** The catalog of the tables named `prefix…` in a SQLite file (the migrations' schema_version left out). */
export function sqliteCatalog(path: string, prefix: string): Catalog {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE ? || '%' ESCAPE '!' ORDER BY name")
      .all(prefix.replace(/[!%_]/g, '!$&')) as { name: string; sql: string }[]
    const catalog: Record<string, CatalogTable> = {}
    for (const { name, sql } of tables) {
      const info = db.pragma(`table_info("${name}")`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]
      const list = db.pragma(`index_list("${name}")`) as { name: string; unique: number; origin: string }[]
      const checks: Record<string, readonly string[]> = {}
      for (const m of sql.matchAll(/CHECK \(([^()]*\([^()]*\))\)/g)) addCheck(checks, m[1]!)
      catalog[withoutPrefix(prefix, name)] = {
        columns: info.map((c) => ({ name: c.name, type: c.type.toLowerCase(), nullable: c.notnull === 0, default: c.dflt_value })),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        indexes: list.filter((i) => i.origin === 'c').map((i) => ({
          name: i.name,
          unique: i.unique === 1,
          columns: (db.pragma(`index_info("${i.name}")`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name),
        })).sort(byName),
        checks,
        options: '',
      }
    }
    return catalog
  } finally {
    db.close()
  }
}

/** `text COLLATE "C"`, `timestamptz`: a PostgreSQL type as `format_type` prints it, lower case. */
export async function postgresCanonicalTypes(types: readonly string[]): Promise<(type: string) => string> {
  const canonical = new Map<string, string>()
  await withAdmin(async (client) => {
    for (const type of types) {
      const [, base, collation] = /^(.*?)(?: COLLATE "(.+)")?$/i.exec(type)!
      const { rows } = await client.query<{ type: string }>('SELECT format_type($1::regtype, NULL) AS type', [base])
      canonical.set(type, `${rows[0]!.type}${collation === undefined ? '' : ` collate "${collation}"`}`.toLowerCase())
    }
  })
  return (type) => canonical.get(type) ?? `unknown type ${type}`
}

/** The catalog of the tables of a PostgreSQL schema. */
export function postgresCatalog(schema: string): Promise<Catalog> {
  return withAdmin(async (client) => {
    const columns = await client.query<{ table: string; name: string; type: string; collation: string | null; not_null: boolean; default: string | null }>(
      `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
         a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`, [schema])
    const indexes = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; columns: string[] }>(
      `SELECT c.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
         array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`, [schema])
    const checks = await client.query<{ table: string; clause: string }>(
      `SELECT c.relname AS table, pg_get_constraintdef(k.oid) AS clause FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND k.contype = 'c'`, [schema])
    const catalog: Record<string, { -readonly [K in keyof CatalogTable]: CatalogTable[K] }> = {}
    const entry = (table: string) => (catalog[table] ??= { columns: [], primaryKey: [], indexes: [], checks: {}, options: '' })
    for (const c of columns.rows) {
      entry(c.table).columns = [...entry(c.table).columns, {
        name: c.name, type: `${c.type}${c.collation === null ? '' : ` collate "${c.collation}"`}`.toLowerCase(), nullable: !c.not_null, default: c.default,
      }]
    }
    for (const i of indexes.rows) {
      if (i.primary) entry(i.table).primaryKey = i.columns
      else entry(i.table).indexes = [...entry(i.table).indexes, { name: i.name, unique: i.unique, columns: i.columns }].sort(byName)
    }
    for (const k of checks.rows) addCheck(entry(k.table).checks as Record<string, readonly string[]>, k.clause)
    return catalog
  })
}

/** `bigint(20)` → `bigint`: MariaDB prints a display width MySQL 8 dropped and DDL need not give. */
const withoutDisplayWidth = (type: string): string => type.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1')

/** The catalog of the tables named `prefix…` in a MySQL/MariaDB database. */
export function mysqlCatalog(database: string, prefix: string): Promise<Catalog> {
  return withRoot(async (connection) => {
    const like = `${prefix.replace(/[\\%_]/g, '\\$&')}%`
    const query = async (sql: string) => (await connection.query<RowDataPacket[]>(sql, [database, like]))[0]
    const tables = await query('SELECT TABLE_NAME AS t, ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?')
    const columns = await query(`SELECT TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation,
      IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ? ORDER BY TABLE_NAME, ORDINAL_POSITION`)
    const keys = await query(`SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`)
    const checks = await query('SELECT TABLE_NAME AS t, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME LIKE ?')
    const catalog: Record<string, CatalogTable> = {}
    for (const table of tables) {
      const t = String(table['t'])
      const indexes = new Map<string, { name: string; unique: boolean; columns: string[] }>()
      for (const k of keys.filter((row) => row['t'] === t)) {
        const name = String(k['name'])
        const index = indexes.get(name) ?? { name, unique: Number(k['non_unique']) === 0, columns: [] }
        index.columns.push(String(k['col']))
        indexes.set(name, index)
      }
      const tableChecks: Record<string, readonly string[]> = {}
      for (const k of checks.filter((row) => row['t'] === t)) addCheck(tableChecks, String(k['clause']))
      const collation = String(table['collation'])
      catalog[withoutPrefix(prefix, t)] = {
        columns: columns.filter((row) => row['t'] === t).map((c) => ({
          name: String(c['name']),
          type: `${withoutDisplayWidth(String(c['type']))}${c['collation'] === null ? '' : ` character set ${String(c['charset'])} collate ${String(c['collation'])}`}`.toLowerCase(),
          nullable: c['nullable'] === 'YES',
          // MariaDB reports no default of a nullable column as the text NULL
          default: c['dflt'] === null || c['dflt'] === 'NULL' ? null : String(c['dflt']),
        })),
        primaryKey: indexes.get('PRIMARY')?.columns ?? [],
        indexes: [...indexes.values()].filter((i) => i.name !== 'PRIMARY').sort(byName),
        checks: tableChecks,
        options: `ENGINE=${String(table['engine'])} DEFAULT CHARSET=${collation.split('_')[0]!} COLLATE=${collation}`,
      }
    }
    return catalog
  }, database)
}
