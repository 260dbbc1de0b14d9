import { ConfigError } from '../../core/errors.js'
import type { OptionReader } from '../../core/options.js'
import type { Backend, Store } from '../../core/store.js'
import type { StoreDefinition } from '../../core/store-definition.js'
import { hostPort } from '../net/errors.js'
import type { ConnectionUrl } from '../../core/url.js'
import { asyncSqlStore } from '../sql/executor.js'
import { IdleIndexer } from '../sql/idle-indexer.js'
import { checkIdentifier } from '../sql/identifiers.js'
import { mysqlDialect } from './dialect.js'
import { MySqlPool, type MySqlPoolOptions } from './driver.js'
import type { SpoolOptions } from '../../core/spool/spool-file.js'
import { indexPendingPlan } from './search-index.js'


/** Quiet time after a write before the pool indexes pending messages for search (ms). */
const SEARCH_INDEX_IDLE_MS = 50
/** Messages per indexing transaction. */
const SEARCH_INDEX_CHUNK = 2000

/**
 * Options of the MySQL/MariaDB store, also as URL query:
 * `mysql://app@db:3306/agents?tablePrefix=bot_&poolSize=20`.
 */
export interface MySqlOptions extends SpoolOptions {
  /** Most connections the pool opens (default 10). */
  readonly poolSize?: number
  /**
   * Prefix of every table name (default `agentdb_`): letters, digits, underscores; `""` for
   * none. MySQL has no schemas inside a database, so the prefix keeps agentdb's `sessions`
   * and `messages` apart from an application's tables of the same name.
   */
  readonly tablePrefix?: string
  /** Connect with TLS, verifying the server's certificate (default false). */
  readonly ssl?: boolean
  /** How long opening a connection may take, in ms (default 10 000). */
  readonly connectTimeoutMs?: number
}

const DEFAULT_PORT = 3306
/**
 * Write batches in flight, each on a pooled connection of its own (at most the pool's size,
 * which reads share). 200 agents, ad-hoc A/B on the 2-core VM (issue 9): ~12k msgs/s with 1,
 * ~14k with 2, 4 or 6, but an event-loop p99 of 4-8 ms with 2 against 7-15 ms with 4 or more:
 * both cores are already busy (client and server), so more batches only mean more round trips.
 */
const WRITES_IN_FLIGHT = 2
const DEFAULT_PREFIX = 'agentdb_'

function readPrefix(reader: OptionReader<MySqlOptions>): string {
  const given = reader.string('tablePrefix')
  if (given === undefined) return DEFAULT_PREFIX
  return given === '' ? '' : checkIdentifier('tablePrefix', given)
}

/**
 * The MySQL and MariaDB backend (`mysql://` and `mariadb://`), on a mysql2 pool. The URL
 * gives host (default `localhost`), port (3306), user (`root`), password and the database
 * (its path, required: it must exist). Natively asynchronous; the sync surface runs it in a worker
 * behind a blocking bridge.
 * @throws ConfigError `URL_INVALID` without a database, `OPTION_INVALID` for an invalid option.
 */
function mysqlBackend(url: ConnectionUrl, reader: OptionReader<MySqlOptions>): Backend {
  const prefix = readPrefix(reader)
  const user = url.username === '' ? 'root' : url.username
  const options: MySqlPoolOptions = {
    target: { host: url.host === '' ? 'localhost' : url.host, port: url.port ?? DEFAULT_PORT, database: url.database, user },
    prefix,
    poolSize: reader.integer('poolSize', 10, 1, 1000),
    ssl: reader.boolean('ssl', false),
    connectTimeoutMs: reader.integer('connectTimeoutMs', 10_000, 1, 600_000),
    dialect: mysqlDialect(prefix),
  }
  const { host, port, database } = options.target
  if (database === '') {
    throw new ConfigError('URL_INVALID', `${url.scheme} URL ${JSON.stringify(url.redacted)} names no database; give it as the path, as in ${url.scheme}://user@host:3306/agents`)
  }
  const description = `${url.scheme}://${encodeURIComponent(user)}@${hostPort(host, port)}/${encodeURIComponent(database)}${prefix === DEFAULT_PREFIX ? '' : `?tablePrefix=${prefix}`}`
  // read here, not kept in `options`: only the pool's private field holds the password
  const password = url.password
  return {
    description,
    capabilities: { syncSurface: false, reads: true, persistent: true },
    maxBatch: 1000,
    writesInFlight: Math.min(WRITES_IN_FLIGHT, options.poolSize),
    threads: { sync: 'bridge' },
    network: true,
    open: async (): Promise<Store> => {
      const pool = await MySqlPool.open(options, password)
      const indexer = new IdleIndexer({
        idleMs: SEARCH_INDEX_IDLE_MS,
        chunk: SEARCH_INDEX_CHUNK,
        index: (limit) => pool.run(indexPendingPlan(options.dialect, limit), false),
      })
      const exec = { run: pool.run.bind(pool), close: () => { indexer.stop(); return pool.close() } }
      return asyncSqlStore(options.dialect, exec, {
        beforeSearch: (d) => indexPendingPlan(d, null),
        afterWrite: () => { indexer.touch() },
      })
    },
  }
}

/** The MySQL/MariaDB store's definition: mysql:// and mariadb:// URLs. */
export const mysqlDefinition: StoreDefinition<'mysql' | 'mariadb', MySqlOptions> = {
  name: 'MySQL/MariaDB',
  schemes: ['mysql', 'mariadb'],
  backend: mysqlBackend,
}
