import { createHash } from 'node:crypto'
import type { Connection, Pool, PoolConnection, PoolOptions } from 'mysql2/promise'
import { ConfigError, StoreError, StoreUnavailableError } from '../../core/errors.js'
import { now } from '../../core/ids.js'
import type { Dialect } from '../sql/dialect.js'
import { driveAsync, type AsyncExecutor } from '../sql/executor.js'
import { migratePlan } from '../sql/migrate.js'
import type { SqlPlan, SqlResult } from '../sql/plans.js'
import { WriteFence } from '../sql/write-fence.js'
import type { Row } from '../sql/rows.js'
import { describeTarget, isFatal, mysqlError, type MySqlTarget } from './errors.js'
import { mysqlMigrations } from './migrations.js'
import { StatementBatch } from './statement-batch.js'

/** What `MySqlPool.open` needs: where, how, and the dialect (table prefix) to migrate. */
export interface MySqlPoolOptions {
  readonly target: MySqlTarget
  readonly poolSize: number
  readonly ssl: boolean
  readonly connectTimeoutMs: number
  /** The table prefix, part of the migration lock's name. */
  readonly prefix: string
  readonly dialect: Dialect
}

type MySqlDriver = typeof import('mysql2/promise')
/** mysql2's `format` (sql-escaper's), whose typings omit the last two parameters. */
type FormatSql = (sql: string, values: unknown, stringifyObjects: boolean, timezone: unknown) => string

const MIGRATION_LOCK_WAIT_S = 30
const MAX_LOCK_NAME = 64
const IDLE_TIMEOUT_MS = 60_000
const KEEP_ALIVE_DELAY_MS = 10_000

// Every connection runs with a known SQL mode, whatever the server's default: strict (a value
// that does not fit is an error, and insertIgnoring relies on NOT NULL being enforced), and
// without NO_BACKSLASH_ESCAPES or ANSI_QUOTES, which would change how mysql2's client-side
// escaping of values is read.
const SESSION_SETUP = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', SESSION time_zone = '+00:00'"

let driver: Promise<MySqlDriver> | undefined

/** mysql2, imported on first use so that other stores never load it. */
function loadDriver(): Promise<MySqlDriver> {
  driver ??= import('mysql2/promise').catch((error: unknown) => {
    driver = undefined
    throw new ConfigError('DRIVER_MISSING', 'the MySQL/MariaDB store needs the package mysql2: npm install mysql2', { cause: error })
  })
  return driver
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** What a plan receives for a statement it does not read, which may not have run yet. */
const UNREAD: SqlResult = Object.freeze({ rows: Object.freeze([]), changes: 0 })

/**
 * mysql2 formats the text of every query, even one already formatted and sent without values:
 * a scan of the whole text, as long as formatting it was. This sends such a text as it is and
 * formats any other as mysql2 would by default (objects not stringified, the connection's time
 * zone, which mysql2 passes as the third argument).
 */
function formatQuery(format: FormatSql): (sql: string, values: unknown, timezone?: unknown) => string {
  return (sql, values, timezone) => (Array.isArray(values) && values.length === 0 ? sql : format(sql, values, false, timezone))
}

/** GET_LOCK names are at most 64 characters on MySQL; a longer one is hashed. */
function migrationLockName(database: string, prefix: string): string {
  const name = `agentdb_migrate:${database}.${prefix}`
  return name.length <= MAX_LOCK_NAME ? name : `agentdb_migrate:${createHash('sha256').update(`${database}.${prefix}`).digest('hex').slice(0, 40)}`
}

/**
 * A mysql2 pool running plans. A plan takes one pooled connection for all its statements;
 * a transactional plan runs between `START TRANSACTION` and `COMMIT`, rolled back on any
 * error. Statements whose results a plan does not read, `START TRANSACTION` and `COMMIT` share
 * packets with their neighbours (StatementBatch), so a write batch of messages takes 2 round
 * trips. A connection that failed fatally (or whose rollback failed) is destroyed instead of
 * returned to the pool, so the retry that follows gets a fresh one.
 */
export class MySqlPool implements AsyncExecutor {
  readonly #pool: Pool
  readonly #target: MySqlTarget
  readonly #password: string
  /** Per connection (mysql2's core object), the server's max_allowed_packet, read at setup. */
  readonly #packetLimits = new WeakMap<object, number>()
  readonly #fence = new WriteFence<number>()
  /** A connection outside the pool, with the pool's settings. */
  readonly #connect: () => Promise<Connection>
  #closing: Promise<void> | undefined

  private constructor(pool: Pool, connect: () => Promise<Connection>, target: MySqlTarget, password: string) {
    this.#pool = pool
    this.#connect = connect
    this.#target = target
    this.#password = password
  }

  /**
   * Creates the pool, then brings the schema up to date under `GET_LOCK`, which serialises
   * processes opening one database at once (MySQL commits each DDL statement by itself, so
   * a transaction cannot). The pool is ended again if any of that fails.
   * @throws ConfigError for a missing driver, bad credentials or a missing database.
   * @throws StoreUnavailableError when the server cannot be reached.
   */
  static async open(options: MySqlPoolOptions, password: string): Promise<MySqlPool> {
    const mysql = await loadDriver()
    const { target } = options
    const config: PoolOptions = {
      host: target.host,
      port: target.port,
      user: target.user,
      password,
      database: target.database,
      connectionLimit: options.poolSize,
      maxIdle: options.poolSize,
      idleTimeout: IDLE_TIMEOUT_MS,
      waitForConnections: true,
      queueLimit: 0,
      connectTimeout: options.connectTimeoutMs,
      enableKeepAlive: true,
      keepAliveInitialDelay: KEEP_ALIVE_DELAY_MS,
      charset: 'UTF8MB4_UNICODE_CI',
      // DATETIME(3) columns hold UTC; read them as text so no local time zone shifts them.
      dateStrings: true,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      // A plan's statements whose results it does not read go out together with the next one
      // (StatementBatch). Only agentdb's own SQL is sent, every value escaped by mysql2 under the
      // sql_mode SESSION_SETUP fixes.
      multipleStatements: true,
      queryFormat: formatQuery(mysql.format as unknown as FormatSql),
      ...(options.ssl ? { ssl: {} } : {}),
    }
    const { connectionLimit: _limit, maxIdle: _maxIdle, idleTimeout: _idle, waitForConnections: _wait, queueLimit: _queue, ...single } = config
    const executor = new MySqlPool(mysql.createPool(config), () => mysql.createConnection(single), target, password)
    try {
      await executor.#migrate(options.dialect, migrationLockName(target.database, options.prefix))
    } catch (error) {
      await executor.close().catch(() => undefined) // the migration's error is the one to report
      throw mysqlError(error, target, password)
    }
    return executor
  }

  #closedError(): StoreError {
    return new StoreError('STORE_CLOSED', `${describeTarget(this.#target)} is closed`)
  }

  /** A pooled connection, set up on its first use and watched for errors while idle. */
  async #acquire(): Promise<PoolConnection> {
    const connection = await this.#pool.getConnection()
    const core = connection.connection
    if (!this.#packetLimits.has(core)) {
      // mysql2 drops a broken connection from the pool on its first 'error' event, but a
      // later one (a write after the socket died) would be unhandled and crash the host.
      // Commands on the connection get their own errors; this listener only keeps it quiet.
      core.on('error', () => undefined)
      try {
        await connection.query(SESSION_SETUP)
        const [rows] = await connection.query('SELECT @@max_allowed_packet AS max')
        this.#packetLimits.set(core, Number((rows as Row[])[0]?.['max']))
      } catch (error) {
        connection.destroy()
        throw error
      }
    }
    return connection
  }

  /**
   * A batch of statements on `connection`, refusing one the server would not take: past
   * max_allowed_packet the server resets the connection mid-send, which looks like an outage
   * and would be retried in vain. Refused, a batch fails as a StoreError, and the write queue
   * retries its writes one by one.
   */
  #batch(connection: PoolConnection): StatementBatch {
    const limit = this.#packetLimits.get(connection.connection) ?? Number.POSITIVE_INFINITY
    return new StatementBatch(connection, limit, (bytes, maxBytes) =>
      new StoreError('STORE_FAILED', `${describeTarget(this.#target)} refused the operation: a statement of ${megabytes(bytes)} exceeds the server's max_allowed_packet of ${megabytes(maxBytes)}; raise max_allowed_packet`))
  }

  /**
   * Runs `plan` on `batch`, each statement formatted with its values (mysql2's escaping, as
   * `query(sql, values)` would). A statement the plan marks deferrable is held for the next
   * one, so it may still be held when this resolves: the caller flushes or commits.
   */
  #drive<T>(batch: StatementBatch, connection: PoolConnection, plan: SqlPlan<T>): Promise<T> {
    return driveAsync(plan, async (step) => {
      const text = step.params.length === 0 ? step.sql : connection.format(step.sql, step.params as unknown[])
      if (step.deferrable !== true) return batch.send(text)
      await batch.hold(text)
      return UNREAD
    })
  }

  async #migrate(dialect: Dialect, lockName: string): Promise<void> {
    const connection = await this.#acquire()
    let broken = false
    try {
      const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS got', [lockName, MIGRATION_LOCK_WAIT_S])
      const got = (rows as Row[])[0]?.['got']
      if (Number(got) !== 1) {
        throw new StoreUnavailableError('STORE_UNAVAILABLE', `${describeTarget(this.#target)} is being migrated by another process (lock ${JSON.stringify(lockName)} still held after ${MIGRATION_LOCK_WAIT_S} s)`)
      }
      try {
        const batch = this.#batch(connection)
        await this.#drive(batch, connection, migratePlan(dialect, mysqlMigrations(dialect), now()))
        await batch.flush()
      } finally {
        // If this fails the connection is destroyed below, which releases the lock as well.
        await connection.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => { broken = true })
      }
    } catch (error) {
      broken ||= isFatal(error)
      throw error
    } finally {
      if (broken) connection.destroy()
      else connection.release()
    }
  }

  /**
   * Runs a plan on one pooled connection, in a transaction when `transactional`.
   * @throws StoreUnavailableError when the connection failed or InnoDB aborted the transaction on lock contention (retried by the core).
   * @throws StoreError `STORE_FAILED` when MySQL refused a statement.
   */
  async run<T>(plan: SqlPlan<T>, transactional: boolean, writes?: ReadonlySet<string>): Promise<T> {
    let connection: PoolConnection
    try {
      if (writes !== undefined && this.#fence.busy) await this.#fence.before(writes, (ids) => this.#endSessions(ids))
      connection = await this.#acquire()
    } catch (error) {
      throw this.#closing ? this.#closedError() : mysqlError(error, this.#target, this.#password)
    }
    const running = this.#runOn(connection, plan, transactional)
    return writes !== undefined ? this.#fence.track(connection.threadId, writes, running) : running
  }

  /**
   * Ends the server sessions of writes that still run (`KILL` rolls back what has not
   * committed), on a connection of its own: the pool may have none free while they hold theirs.
   */
  async #endSessions(ids: readonly number[]): Promise<void> {
    const connection = await this.#connect()
    connection.on('error', () => undefined)
    try {
      for (const id of ids) {
        // a session already gone answers "Unknown thread id": nothing to end
        await connection.query(`KILL ${Number(id)}`).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'ER_NO_SUCH_THREAD') throw error
        })
      }
    } finally {
      await connection.end().catch(() => undefined)
    }
  }

  async #runOn<T>(connection: PoolConnection, plan: SqlPlan<T>, transactional: boolean): Promise<T> {
    let broken = false
    const batch = this.#batch(connection)
    try {
      if (!transactional) {
        const result = await this.#drive(batch, connection, plan)
        await batch.flush()
        return result
      }
      // Goes out with the plan's first statement; COMMIT with its last held ones: a write batch
      // of one session upsert, one SELECT and one INSERT takes 2 round trips instead of 5.
      // COMMIT never shares a packet with the statement that takes the sessions' row locks
      // (the upsert, answered before anything else is sent): the server runs a packet to its
      // end even when the client is gone, so a batch cut off while it waited for those locks
      // would commit after its hooks were told it failed (a one-round-trip batch, tried for
      // issue 9, failed test/mysql/bad-days.test.ts that way).
      await batch.hold('START TRANSACTION')
      try {
        const result = await this.#drive(batch, connection, plan)
        await batch.send('COMMIT')
        return result
      } catch (error) {
        // A lock wait timeout rolls back only its statement, and a failed packet may have run
        // the statements before the one that failed (START TRANSACTION among them): roll back
        // whatever is open before the connection goes back to the pool.
        await connection.query('ROLLBACK').catch(() => { broken = true })
        throw error
      }
    } catch (error) {
      broken ||= isFatal(error)
      throw mysqlError(error, this.#target, this.#password)
    } finally {
      if (broken) connection.destroy()
      else connection.release()
    }
  }

  /** Ends every connection of the pool. Repeated calls share one promise. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.end().catch((error: unknown) => {
      throw mysqlError(error, this.#target, this.#password)
    })
    return this.#closing
  }
}
