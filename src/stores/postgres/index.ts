import { ConfigError } from '../../core/errors.js'
import type { OptionReader } from '../../core/options.js'
import { hasOwnedWrite } from '../../core/ownership.js'
import { takesSeq, type Backend, type Store } from '../../core/store.js'
import type { StoreDefinition } from '../../core/store-definition.js'
import { hostPort } from '../net/errors.js'
import type { ConnectionUrl } from '../../core/url.js'
import { asyncSqlStore, type WriteChoice } from '../sql/executor.js'
import { IdleIndexer } from '../sql/idle-indexer.js'
import { writePlan } from '../sql/plans.js'
import { checkIdentifier } from '../sql/identifiers.js'
import { postgresDialect } from './dialect.js'
import { PostgresPool, type PostgresPoolOptions } from './driver.js'
import { indexPendingPlan } from './search-index.js'
import { singleStatementWritePlan } from './write.js'
import type { SpoolOptions } from '../../core/spool/spool-file.js'


/** Quiet time after a write before the pool indexes pending messages for search (ms). */
const SEARCH_INDEX_IDLE_MS = 50
/** Messages per indexing statement. */
const SEARCH_INDEX_CHUNK = 2000

/**
 * Options of the PostgreSQL store, also as URL query:
 * `postgresql://app@db:5432/agents?schema=agentdb&poolSize=20`.
 */
export interface PostgresOptions extends SpoolOptions {
  /** Most connections the pool opens (default 10). */
  readonly poolSize?: number
  /** Schema of the tables, created if absent (default `public`): letters, digits, underscores. */
  readonly schema?: string
  /** Connect with TLS, verifying the server's certificate (default false). */
  readonly ssl?: boolean
  /** How long connecting, or waiting for a free pooled connection, may take, in ms (default 10 000). */
  readonly connectTimeoutMs?: number
  /** `application_name` of the connections, as `pg_stat_activity` shows it (default `agentdb`). */
  readonly applicationName?: string
}

const DEFAULT_PORT = 5432
/**
 * Write batches in flight, each on a pooled connection of its own (at most the pool's size,
 * which reads share): the server runs some while this thread builds the next. 200 agents,
 * ad-hoc A/B on the 2-core VM (issue 9): ~14k msgs/s with 1, ~16k with 2, ~18k with 4, at an
 * event-loop p99 of 5-10 ms with 2 and 8-20 ms with 4 (replies that arrive together are
 * handled in one turn). Batches in flight never share a session, so their row locks never meet.
 */
const WRITES_IN_FLIGHT = 4
const APPLICATION_NAME = /^[\x20-\x7e]{1,63}$/

function readApplicationName(reader: OptionReader<PostgresOptions>): string {
  const name = reader.string('applicationName') ?? 'agentdb'
  if (!APPLICATION_NAME.test(name)) {
    throw new ConfigError('OPTION_INVALID', `option applicationName must be 1 to 63 printable ASCII characters, got ${JSON.stringify(name.slice(0, 80))}`)
  }
  return name
}

/**
 * Batches of messages and tool calls only (nearly all) go as one statement, outside
 * BEGIN/COMMIT; one holding an agent state, run, trace or span, or a user scope's write (its
 * session is checked under a row lock first), takes the shared plan.
 */
const postgresWrite: WriteChoice = (d, ops) =>
  ops.every(takesSeq) && !hasOwnedWrite(ops)
    ? { plan: singleStatementWritePlan(d, ops), transactional: false }
    : { plan: writePlan(d, ops), transactional: true }

/**
 * The PostgreSQL backend (`postgres://` and `postgresql://`), on a node-postgres pool.
 * The URL gives host (default `localhost`), port (5432), user (`postgres`), password and
 * database (the user's name). Natively asynchronous; the sync surface runs it in a worker
 * behind a blocking bridge.
 * @throws ConfigError `OPTION_INVALID` for an invalid option.
 */
function postgresBackend(url: ConnectionUrl, reader: OptionReader<PostgresOptions>): Backend {
  const schema = checkIdentifier('schema', reader.string('schema') ?? 'public')
  const user = url.username === '' ? 'postgres' : url.username
  const options: PostgresPoolOptions = {
    target: { host: url.host === '' ? 'localhost' : url.host, port: url.port ?? DEFAULT_PORT, database: url.database === '' ? user : url.database, user },
    schema,
    poolSize: reader.integer('poolSize', 10, 1, 1000),
    ssl: reader.boolean('ssl', false),
    connectTimeoutMs: reader.integer('connectTimeoutMs', 10_000, 1, 600_000),
    applicationName: readApplicationName(reader),
    dialect: postgresDialect(schema),
  }
  const { host, port, database } = options.target
  const description = `postgresql://${encodeURIComponent(user)}@${hostPort(host, port)}/${encodeURIComponent(database)}?schema=${schema}`
  // read here, not kept in `options`: only the pool's private field holds the password
  const password = url.password
  return {
    description,
    capabilities: { syncSurface: false, reads: true, persistent: true },
    maxBatch: 10_000,
    writesInFlight: Math.min(WRITES_IN_FLIGHT, options.poolSize),
    threads: { sync: 'bridge' },
    network: true,
    open: async (): Promise<Store> => {
      const pool = await PostgresPool.open(options, password)
      const indexer = new IdleIndexer({
        idleMs: SEARCH_INDEX_IDLE_MS,
        chunk: SEARCH_INDEX_CHUNK,
        index: (limit) => pool.run(indexPendingPlan(options.dialect, limit, true), false),
      })
      const exec = { run: pool.run.bind(pool), close: () => { indexer.stop(); return pool.close() } }
      return asyncSqlStore(options.dialect, exec, {
        write: postgresWrite,
        beforeSearch: (d) => indexPendingPlan(d, null, false),
        afterWrite: () => { indexer.touch() },
      })
    },
  }
}

/** The PostgreSQL store's definition: postgres:// and postgresql:// URLs. */
export const postgresDefinition: StoreDefinition<'postgres' | 'postgresql', PostgresOptions> = {
  name: 'PostgreSQL',
  schemes: ['postgres', 'postgresql'],
  backend: postgresBackend,
}
