import type { JsonValue, SettingValue } from '../../core/records.js'
import type { LogicalType, TableDescription } from './schema.js'
import type { RecordTableName } from './tables.js'

/**
 * The tables a SQL store has: the described ones, the migrations' bookkeeping, and the search
 * index: `messages_search`, SQLite's FTS5 index of message content (migration 3);
 * `messages_search_pending`, PostgreSQL's and MySQL's messages not indexed yet (migration 4);
 * `messages_search_state`, SQLite's mark below which every message is indexed (migration 6);
 * `messages_search_words`, PostgreSQL's and MySQL's words of each indexed message (migration 4).
 */
export type TableName = RecordTableName | 'schema_version' | 'messages_search' | 'messages_search_pending' | 'messages_search_state' | 'messages_search_words'

/** A described table (one of `tables.ts`, or a frozen copy of one kept by a migration). */
export type DescribedTable = TableDescription<RecordTableName>

/** How an engine spells DDL for the shared renderer (`ddl.ts`). */
export interface DdlDialect {
  /** The physical column type of each logical type, as it is in the frozen migrations. */
  readonly types: { readonly [T in LogicalType]: string }
  /**
   * Set where every DDL statement commits on its own (MySQL): a table is then created by one
   * statement that may run again, `CREATE TABLE IF NOT EXISTS` with its indexes inside, so a
   * migration cut short leaves nothing the next open cannot complete.
   */
  readonly selfCommitting: boolean
  /** What follows `CREATE TABLE … (…)`: engine, character set (empty where nothing does). */
  readonly tableOptions: string
}

/** One setting read back by `info()`, and how its raw value reads (SQLite's `synchronous` is a number). */
export interface SettingQuery {
  readonly name: string
  readonly sql: string
  readonly read?: (raw: unknown) => SettingValue
}

/**
 * How an engine finds messages by words (`searchMessages`): the messages table is aliased `m`.
 * The query is always a bound parameter, never spliced into the text.
 */
export interface SearchSpelling {
  /** The bound form of the words: FTS5 quoted tokens, or the words for the engine to parse. */
  param(words: readonly string[]): string
  /** `FROM …` naming the messages table as `m` (and the index, where it is a table). */
  from(): string
  /** The match condition, with `query` the placeholder of the parameter. */
  where(query: string): string
  /** The rank to sort by, best first; `query` is given when `rankTakesQuery`. */
  rank(query: string): string
  /** Whether `rank` takes the parameter again (engines whose placeholders are positional `?`). */
  readonly rankTakesQuery: boolean
}

/** An upsert's `SET` list, written with `existing(col)` and `incoming(col)` to name the two rows. */
export type Assignments = (existing: (col: string) => string, incoming: (col: string) => string) => string

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
  /**
   * What ends a `SELECT` that locks the rows it reads until the transaction ends and reads
   * their latest committed version (` FOR UPDATE`); empty where a write transaction already
   * holds the database's one write lock (SQLite's `BEGIN IMMEDIATE`).
   */
  readonly lockingRead: string
  readonly ddl: DdlDialect
  /** Settings `info()` reads back from the connection: each statement answers one row, the value first. */
  readonly settings: readonly SettingQuery[]
  /** Full-text search over message content (migration 3 made the index). */
  readonly search: SearchSpelling
  /** The bind placeholder of the 1-based `index`th parameter: `?` or `$1`. */
  placeholder(index: number): string
  /** The quoted, qualified (schema or prefix) name of a table. */
  table(name: TableName): string
  /** An index name, qualified as the engine wants it. */
  index(name: string): string
  /**
   * `INSERT` into every column of `table` from `rows` (`VALUES …` or a `SELECT`), skipping rows
   * whose primary key exists.
   */
  insertIgnoring(table: DescribedTable, rows: string): string
  /**
   * `INSERT` into every column of `table` from `rows` (`VALUES …` or a `SELECT`) that on a
   * primary-key conflict sets `assignments` instead.
   */
  upsert(table: DescribedTable, rows: string, assignments: Assignments): string
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
