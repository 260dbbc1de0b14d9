import type { JsonValue } from '../../core/records.js'

/** The tables every SQL store has. */
export type TableName = 'sessions' | 'messages' | 'tool_calls' | 'agent_states' | 'schema_version'

/**
 * What differs between SQL engines, and only that. Every statement is written once, in
 * `statements.ts`, in terms of a dialect; every row is mapped once, in `rows.ts`.
 */
export interface Dialect {
  readonly name: string
  /** Most bind parameters one statement may carry: batches are chunked under it. */
  readonly maxParams: number
  /** Whether `UPDATE`/`INSERT … ON CONFLICT` can `RETURNING` rows. */
  readonly hasReturning: boolean
  /** The bind placeholder of the 1-based `index`th parameter: `?` or `$1`. */
  placeholder(index: number): string
  /** The quoted, qualified (schema or prefix) name of a table. */
  table(name: TableName): string
  /** An index name, qualified as the engine wants it. */
  index(name: string): string
  /** `INSERT … VALUES (…), (…)` that skips rows whose primary key exists. */
  insertIgnoring(table: TableName, columns: readonly string[], values: string): string
  /**
   * `INSERT … VALUES …` that on a primary-key conflict sets `assignments` instead. Each
   * assignment is written with `existing(col)` and `incoming(col)` to name the two rows.
   */
  upsert(table: TableName, columns: readonly string[], values: string, conflict: readonly string[], assignments: (existing: (col: string) => string, incoming: (col: string) => string) => string): string
  /** Value to bind for a timestamp (ISO string in), and back. */
  toTime(iso: string): unknown
  fromTime(value: unknown): string
  /** Value to bind for a JSON column, and back. */
  toJson(value: JsonValue): unknown
  fromJson(value: unknown): JsonValue
  /** Value to bind for a text column, and back (engines that refuse NUL escape it here). */
  toText(value: string): unknown
  fromText(value: unknown): string
}
