import { ConfigError } from '../../core/errors.js'
import type { OptionReader } from '../../core/options.js'
import type { Backend, Store } from '../../core/store.js'
import type { StoreDefinition } from '../../core/store-definition.js'
import { hostPort } from '../net/errors.js'
import type { ConnectionUrl } from '../../core/url.js'
import { RedisConnection, RedisTarget } from './driver.js'
import { DEFAULT_KEY_PREFIX, RedisKeys, checkKeyPrefix } from './keys.js'
import { RedisStore } from './store.js'
import type { SpoolOptions } from '../../core/spool/spool-file.js'

/**
 * Options of the Redis store (also as URL query:
 * `redis://127.0.0.1:6379/0?keyPrefix=myapp%3A&connectTimeoutMs=2000`).
 */
export interface RedisOptions extends SpoolOptions {
  /**
   * Put before every key, to keep several apps (or test runs) in one database apart
   * (default `agentdb:`): 1 to 100 printable ASCII characters without spaces.
   */
  readonly keyPrefix?: string
  /** How long connecting may take before it counts as unreachable, in ms (default 10 000). */
  readonly connectTimeoutMs?: number
  /**
   * How long one command may wait for its reply before it counts as unreachable (and is
   * retried, idempotently), in ms; 0 waits forever (default 30 000).
   */
  readonly commandTimeoutMs?: number
}

/** The layout version in `<prefix>v:layout`; a different one is refused on open. */
const LAYOUT_VERSION = '1'
/**
 * Write batches in flight on the one connection: Redis runs one script while this thread
 * builds the next (200 agents, ad-hoc A/B on the 2-core VM, issue 9: ~21k msgs/s with 1, ~36k
 * with 2, ~33k with 3 or 4). Scripts run in the order sent, so no batch passes another.
 */
const WRITES_IN_FLIGHT = 2

function databaseIndex(url: ConnectionUrl): number {
  if (url.database === '') return 0
  if (!/^\d{1,5}$/.test(url.database)) {
    throw new ConfigError('URL_INVALID', `Redis URL ${JSON.stringify(url.redacted)} must name a database by its index (redis://host:6379/0), got ${JSON.stringify(url.database.slice(0, 80))}`)
  }
  return Number(url.database)
}

/** Connects, then claims (or checks) the layout version of the key prefix. */
async function openStore(target: RedisTarget, keys: RedisKeys): Promise<Store> {
  const connection = await RedisConnection.open(target)
  try {
    await connection.command('SET', keys.version(), LAYOUT_VERSION, 'NX')
    const version = await connection.command('GET', keys.version())
    if (version !== LAYOUT_VERSION) {
      throw new ConfigError('STORE_INVALID', `${target.where} holds keys of layout ${JSON.stringify(version)} under the prefix ${JSON.stringify(keys.prefix)}, this version of agentdb reads layout ${LAYOUT_VERSION}; use another keyPrefix`)
    }
  } catch (error) {
    await connection.close()
    throw error
  }
  return new RedisStore(connection, keys, target.where)
}

/**
 * The Redis backend for `redis://[user:password@]host[:port][/db]` and `rediss://` (TLS).
 * Each write batch is one atomic Lua script; every open store holds one connection, named
 * `agentdb/<keyPrefix>` in CLIENT LIST. Asynchronous only (no `on*` surface yet).
 *
 * @throws ConfigError `URL_INVALID` for a database that is not an index, `OPTION_INVALID` for a bad option.
 */
function redisBackend(url: ConnectionUrl, reader: OptionReader<RedisOptions>): Backend {
  const keys = new RedisKeys(checkKeyPrefix(reader.string('keyPrefix') ?? DEFAULT_KEY_PREFIX))
  const host = url.host === '' ? 'localhost' : url.host
  const target = new RedisTarget({
    host,
    port: url.port ?? 6379,
    db: databaseIndex(url),
    tls: url.scheme === 'rediss',
    connectTimeoutMs: reader.integer('connectTimeoutMs', 10_000, 1, 600_000),
    commandTimeoutMs: reader.integer('commandTimeoutMs', 30_000, 0, 3_600_000),
    connectionName: `agentdb/${keys.prefix}`,
    username: url.username,
    password: url.password,
  })
  return {
    description: `${url.scheme}://${hostPort(host, target.port)}/${target.db}`,
    identity: `${url.scheme}://${hostPort(host, target.port)}/${target.db}?keyPrefix=${encodeURIComponent(keys.prefix)}`,
    capabilities: { syncSurface: false, reads: true, persistent: true },
    maxBatch: 1000,
    writesInFlight: WRITES_IN_FLIGHT,
    threads: { sync: 'bridge' },
    network: true,
    open: () => openStore(target, keys),
  }
}

/** The Redis store's definition: redis:// and rediss:// URLs. */
export const redisDefinition: StoreDefinition<'redis' | 'rediss', RedisOptions> = {
  name: 'Redis',
  schemes: ['redis', 'rediss'],
  backend: redisBackend,
}
