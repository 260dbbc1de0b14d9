import type { JsonObject, JsonValue } from '../../core/records.js'

/*
 * The language the SQL stores' tables are described in (the descriptions are in `tables.ts`).
 * A description says, once for every engine, what a table holds: its columns with logical
 * types, nullability and defaults, its primary key and its indexes. From it come the column
 * lists of every statement (`statements.ts`, PostgreSQL's `write.ts`, with their conflict
 * targets and `unnest` casts) and the DDL of a new table (`ddl.ts`, in each dialect's types);
 * the row mapping (`rows.ts`) is held to it by the compiler and test/sql/rows.test.ts.
 *
 * Descriptions and migrations:
 * - A description is the shape the newest migration leaves. test/sql/schema.test.ts runs every
 *   migration on a fresh database of each engine and compares the real catalog (columns and
 *   their physical types, nullability, defaults, primary keys, indexes, enum checks) with it,
 *   so a migration and a description cannot drift apart unnoticed.
 * - Shipped migrations are frozen: the test pins the exact text of each. Migration 1 is
 *   literal SQL per engine, written before the descriptions.
 * - A migration that introduces a table renders it from its description:
 *   `{ version: 2, statements: createTable(d, RUNS) }`, alike in each engine's list. Adding
 *   a record kind is then: its description in `tables.ts`, that migration entry, one write plan,
 *   and its row mapping in `rows.ts` (with its line in test/sql/rows.test.ts).
 * - Changing a shipped table is a new migration of literal `ALTER TABLE`s per engine, plus
 *   the description's change. The migration that created the table must keep its text: before
 *   editing the description, give that migration a copy of the description as it was
 *   (`createTable(d, RUNS_V2)`). The pinned texts fail the test when that is forgotten.
 */

/**
 * What a column holds, independent of the engine. Each dialect maps a logical type to one
 * physical type (`Dialect.ddl.types`):
 * - `key`: an identifier that is compared, joined and ordered byte for byte (ids, user and
 *   agent ids): at most 255 characters.
 * - `label`: a short name or reference that is stored and filtered but not a key (a session's
 *   name, a tool's name, a run id): at most 255 characters.
 * - `text`: text of any length (message content, error text).
 * - `json`: any JSON value; `jsonObject`: a JSON object (metadata). Both are stored alike.
 * - `timestamp`: an instant, ISO-8601 UTC in records, milliseconds kept.
 * - `integer`: a 64-bit integer (`seq`); `real`: a double (`duration_ms`).
 * - `enum`: one of a few fixed short strings (`values`), checked by the database.
 */
export type LogicalType = 'key' | 'label' | 'text' | 'json' | 'jsonObject' | 'timestamp' | 'integer' | 'real' | 'enum'

interface ColumnBase {
  /** The column's snake_case name; its record field is the camelCase of it (`session_id` ↔ `sessionId`). */
  readonly name: string
  /** Whether the column may be NULL (the field may be `null`); not null when absent. */
  readonly nullable?: boolean
}

/** A column of one of the plain logical types. */
export interface PlainColumn extends ColumnBase {
  readonly type: Exclude<LogicalType, 'enum'>
  /** The column's default in the database, for columns rows may leave out. */
  readonly default?: number
}

/** A column that holds one of `values`. */
export interface EnumColumn extends ColumnBase {
  readonly type: 'enum'
  readonly values: readonly string[]
}

export type ColumnDescription = PlainColumn | EnumColumn

/** An index of a table, named without any prefix (the dialect qualifies it). */
export interface IndexDescription<Column extends string = string> {
  readonly name: string
  readonly columns: readonly Column[]
  readonly unique: boolean
}

/** A table: its columns in statement order, its primary key and its secondary indexes. */
export interface TableDescription<Name extends string = string, Columns extends readonly ColumnDescription[] = readonly ColumnDescription[]> {
  readonly name: Name
  readonly columns: Columns
  readonly primaryKey: readonly Columns[number]['name'][]
  readonly indexes: readonly IndexDescription<Columns[number]['name']>[]
}

/**
 * Declares a table. An identity at run time; at compile time it keeps the literal column
 * types (for `FieldsOf`) and checks that keys and indexes name the table's own columns.
 */
export function defineTable<const Name extends string, const Columns extends readonly ColumnDescription[]>(
  description: TableDescription<Name, Columns>,
): TableDescription<Name, Columns> {
  return description
}

/** `a, b, c`: a table's columns in order, as statements list them. */
export function columnList(table: TableDescription): string {
  return table.columns.map((column) => column.name).join(', ')
}

/** The names of a table's columns. */
export type ColumnName<T extends TableDescription> = T['columns'][number]['name']

/** `session_id` → `sessionId`: the record field of a column. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S

interface FieldTypes {
  readonly key: string
  readonly label: string
  readonly text: string
  readonly json: JsonValue
  readonly jsonObject: JsonObject
  readonly timestamp: string
  readonly integer: number
  readonly real: number
}

type ValueOf<C extends ColumnDescription> =
  | (C extends EnumColumn ? C['values'][number] : C extends PlainColumn ? FieldTypes[C['type']] : never)
  | (C extends { readonly nullable: true } ? null : never)

/** The record a table's rows map to: one readonly field per column, typed by its logical type. */
export type FieldsOf<T extends TableDescription> = {
  readonly [C in T['columns'][number] as CamelCase<C['name']>]: ValueOf<C>
}
