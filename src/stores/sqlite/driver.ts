import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { AgentDBError, ConfigError, StoreError, StoreUnavailableError } from '../../core/errors.js'
import { now } from '../../core/ids.js'
import type { Dialect } from '../sql/dialect.js'
import { driveSync, type SyncExecutor } from '../sql/executor.js'
import { migratePlan } from '../sql/migrate.js'
import type { SqlPlan, SqlResult } from '../sql/plans.js'
import type { SqlStep } from '../sql/statements.js'
import { sqliteMigrations } from './migrations.js'

/** How much an acknowledged write survives: FULL survives power loss, NORMAL (in WAL) a process crash. */
export type SqliteSynchronous = 'full' | 'normal' | 'off'

export interface SqliteConnectionOptions {
  readonly path: string
  readonly synchronous: SqliteSynchronous
  readonly busyTimeoutMs: number
  readonly dialect: Dialect
}

type Database = BetterSqlite3.Database
type Statement = BetterSqlite3.Statement<unknown[]>

const STATEMENT_CACHE_SIZE = 256

let driver: typeof BetterSqlite3 | undefined

/** better-sqlite3, loaded synchronously on first use so that the sync surface can open a store. */
export function loadDriver(): typeof BetterSqlite3 {
  if (driver) return driver
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
  } catch (error) {
    throw new ConfigError('DRIVER_MISSING', 'the SQLite store needs the package better-sqlite3: npm install better-sqlite3', { cause: error })
  }
  return driver
}

/** Maps a better-sqlite3 error: a locked database is transient (retried), the rest is a refusal. */
function storeError(error: unknown, path: string): Error {
  const code = (error as { code?: unknown }).code
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new StoreUnavailableError('STORE_UNAVAILABLE', `SQLite database ${path} is locked by another connection`, { cause: error })
  if (error instanceof AgentDBError) return error
  return new StoreError('STORE_FAILED', `SQLite database ${path} refused the operation (${typeof code === 'string' ? code : 'error'})`, { cause: error })
}

/**
 * One better-sqlite3 connection running plans, with a bounded prepared-statement cache.
 * Opening sets WAL (files), `synchronous`, the busy timeout, and runs migrations inside
 * `BEGIN IMMEDIATE`, so two processes opening one file migrate once.
 */
export class SqliteConnection implements SyncExecutor {
  readonly #db: Database
  readonly #path: string
  readonly #statements = new Map<string, Statement>()
  readonly #inTransaction: (plan: SqlPlan<unknown>) => unknown
  #closed = false

  constructor(options: SqliteConnectionOptions) {
    const Driver = loadDriver()
    this.#path = options.path
    try {
      this.#db = new Driver(options.path, { timeout: options.busyTimeoutMs })
    } catch (error) {
      throw new ConfigError('URL_INVALID', `SQLite database ${options.path} cannot be opened (does its directory exist and is it writable?)`, { cause: error })
    }
    try {
      if (options.path !== ':memory:') this.#db.pragma('journal_mode = WAL')
      this.#db.pragma(`synchronous = ${options.synchronous.toUpperCase()}`)
      this.#inTransaction = this.#db.transaction((plan: SqlPlan<unknown>) => driveSync(plan, (step) => this.#execute(step))).immediate
      this.#inTransaction(migratePlan(options.dialect, sqliteMigrations(options.dialect), now()))
    } catch (error) {
      this.#db.close()
      throw storeError(error, this.#path)
    }
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!)
      statement = this.#db.prepare<unknown[]>(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  #execute(step: SqlStep): SqlResult {
    const statement = this.#prepare(step.sql)
    if (statement.reader) return { rows: statement.all(...step.params) as Record<string, unknown>[], changes: 0 }
    return { rows: [], changes: statement.run(...step.params).changes }
  }

  run<T>(plan: SqlPlan<T>, transactional: boolean): T {
    try {
      return transactional ? this.#inTransaction(plan) as T : driveSync(plan, (step) => this.#execute(step))
    } catch (error) {
      throw storeError(error, this.#path)
    }
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#statements.clear()
    this.#db.close()
  }
}
