import { createHash } from 'node:crypto'
import type { Client, CustomTypesConfig, Pool, PoolClient } from 'pg'
import { ConfigError } from '../../core/errors.js'
import { now } from '../../core/ids.js'
import type { Dialect } from '../sql/dialect.js'
import { driveAsync, type AsyncExecutor } from '../sql/executor.js'
import type { SqlPlan, SqlResult } from '../sql/plans.js'
import { WriteFence } from '../sql/write-fence.js'
import type { Row } from '../sql/rows.js'
import type { SqlStep } from '../sql/statements.js'
import { isConnectionError, toStoreError, type PostgresTarget } from './errors.js'
import { preparePlan } from './migrations.js'

/** Everything a pool needs; the password is kept apart so that no printable object holds it. */
export interface PostgresPoolOptions {
  readonly target: PostgresTarget
  readonly schema: string
  readonly poolSize: number
  readonly ssl: boolean
  readonly connectTimeoutMs: number
  readonly applicationName: string
  readonly dialect: Dialect
}

type PgModule = typeof import('pg')

/** pg, loaded on first use so that importing agentdb never needs it. */
async function loadDriver(): Promise<PgModule> {
  try {
    return await import('pg')
  } catch (error) {
    throw new ConfigError('DRIVER_MISSING', 'the PostgreSQL store needs the package pg: npm install pg', { cause: error })
  }
}

// https://github.com/postgres/postgres/blob/master/src/include/catalog/pg_type.dat
const JSON_OID = 114
const JSONB_OID = 3802

/** JSON columns come back as text: the dialect parses and unescapes them in one pass. */
function typeParsers(pg: PgModule): CustomTypesConfig {
  const getTypeParser = (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === JSON_OID || oid === JSONB_OID ? (text: string) => text : pg.types.getTypeParser(oid, format)
  return { getTypeParser: getTypeParser as CustomTypesConfig['getTypeParser'] }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}

const statementNames = new Map<string, string>()

/** A stable name for a statement to prepare: PostgreSQL then parses and plans it once per connection. */
function nameOf(sql: string): string {
  let name = statementNames.get(sql)
  if (name === undefined) {
    name = `agentdb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
    statementNames.set(sql, name)
  }
  return name
}

async function execute(client: PoolClient, step: SqlStep): Promise<SqlResult> {
  const query = step.prepare ? { name: nameOf(step.sql), text: step.sql, values: [...step.params] } : { text: step.sql, values: [...step.params] }
  const result = await client.query<Row>(query)
  return { rows: result.rows, changes: result.rowCount ?? 0 }
}

/**
 * A pg pool running plans. Each plan runs on one pooled client; a transactional one inside
 * `BEGIN … COMMIT` (`ROLLBACK` on error). A client whose connection failed is destroyed,
 * not returned to the pool, so the next plan connects afresh.
 */
export class PostgresPool implements AsyncExecutor {
  readonly #pool: Pool
  readonly #target: PostgresTarget
  readonly #password: string
  readonly #fence = new WriteFence<number>()
  /** A client outside the pool, with the pool's settings. */
  readonly #connect: () => Client
  #closed = false

  private constructor(pool: Pool, connect: () => Client, target: PostgresTarget, password: string) {
    this.#pool = pool
    this.#connect = connect
    this.#target = target
    this.#password = password
  }

  /**
   * Creates the pool and brings the schema up to date: one transaction under an advisory
   * lock keyed on the schema, so processes starting together migrate once.
   * @throws ConfigError when pg is missing, the login is refused or the database does not exist.
   * @throws StoreUnavailableError when the server cannot be reached.
   * @throws StoreError when the server refuses the migration.
   */
  static async open(options: PostgresPoolOptions, password: string): Promise<PostgresPool> {
    const pg = await loadDriver()
    const { target } = options
    const pool = new pg.Pool({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      ...(password === '' ? {} : { password }),
      ssl: options.ssl,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: options.applicationName,
      keepAlive: true,
      allowExitOnIdle: true,
      types: typeParsers(pg),
    })
    // An idle client's error (server restart, pg_terminate_backend) is emitted here after
    // pg-pool has already dropped that client; the next plan connects afresh, and a real
    // outage surfaces there as StoreUnavailableError. Without a listener it would crash the host.
    pool.on('error', () => undefined)
    const executor = new PostgresPool(pool, () => new pg.Client(pool.options), target, password)
    try {
      await executor.run(preparePlan(options.dialect, options.schema, now()), true)
    } catch (error) {
      await executor.close()
      throw error
    }
    return executor
  }

  /**
   * Runs `plan` on one pooled client, in a transaction when `transactional`.
   * @throws StoreUnavailableError when the connection fails or is lost, or the server aborts the
   *   transaction on a conflict (deadlock, serialization failure): the caller may run it again.
   * @throws ConfigError when the login is refused or the database does not exist.
   * @throws StoreError `STORE_FAILED` when the server refuses a statement.
   */
  async run<T>(plan: SqlPlan<T>, transactional: boolean, writes?: ReadonlySet<string>): Promise<T> {
    let client: PoolClient
    try {
      if (writes !== undefined && this.#fence.busy) await this.#fence.before(writes, (pids) => this.#endBackends(pids))
      client = await this.#pool.connect()
    } catch (error) {
      throw toStoreError(error, this.#target, this.#password)
    }
    const running = this.#runOn(client, plan, transactional)
    return writes !== undefined ? this.#fence.track((client as PoolClient & { processID: number }).processID, writes, running) : running
  }

  /**
   * Ends the server sessions of writes that still run (a statement not yet committed rolls
   * back), on a connection of its own: the pool may have none free while they hold theirs.
   */
  async #endBackends(pids: readonly number[]): Promise<void> {
    const client = this.#connect()
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS ended(pid)', [pids])
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  async #runOn<T>(client: PoolClient, plan: SqlPlan<T>, transactional: boolean): Promise<T> {
    let broken: Error | undefined
    // A checked-out client has no pool listener: an 'error' between queries must not crash the host
    const onError = (error: Error): void => { broken = error }
    client.on('error', onError)
    try {
      if (!transactional) return await driveAsync(plan, (step) => execute(client, step))
      await client.query('BEGIN')
      try {
        const result = await driveAsync(plan, (step) => execute(client, step))
        await client.query('COMMIT')
        return result
      } catch (error) {
        if (broken === undefined && !isConnectionError(error)) {
          // a failed ROLLBACK means the connection is gone: the client is destroyed below
          await client.query('ROLLBACK').catch((rollbackError: unknown) => { broken = asError(rollbackError) })
        }
        throw error
      }
    } catch (error) {
      if (isConnectionError(error)) broken ??= asError(error)
      throw toStoreError(error, this.#target, this.#password)
    } finally {
      client.off('error', onError)
      client.release(broken)
    }
  }

  /** Ends the pool: idle connections close now, busy ones when their plan finishes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pool.end()
  }
}
