import { ConfigError } from '../core/errors.js'
import { OptionReader } from '../core/options.js'
import type { Backend } from '../core/store.js'
import { parseConnectionUrl, type ConnectionUrl } from '../core/url.js'
import { memoryBackend, type MemoryOptions } from './memory/index.js'
import { mysqlBackend, type MySqlOptions } from './mysql/index.js'
import { postgresBackend, type PostgresOptions } from './postgres/index.js'
import { redisBackend, type RedisOptions } from './redis/index.js'
import { sqliteBackend, type SqliteOptions } from './sqlite/index.js'

/** Options every store understands, by store. Unknown names are a `ConfigError`. */
export type StoreOptions = MemoryOptions & SqliteOptions & PostgresOptions & MySqlOptions & RedisOptions

type BackendFactory = (url: ConnectionUrl, reader: OptionReader) => Backend

/**
 * URL scheme to backend. A new backend is a folder under `stores/` plus a line here. Store
 * modules are small and load their drivers lazily, so listing them here costs nothing.
 */
const BACKENDS: Readonly<Record<string, BackendFactory>> = {
  memory: () => memoryBackend(),
  sqlite: sqliteBackend,
  postgres: postgresBackend,
  postgresql: postgresBackend,
  mysql: mysqlBackend,
  mariadb: mysqlBackend,
  redis: redisBackend,
  rediss: redisBackend,
}

/** Every scheme `new PraisonAIDB(url)` accepts. */
export const SUPPORTED_SCHEMES: readonly string[] = Object.keys(BACKENDS)

/**
 * Resolves a URL or SQLite path to its backend. The returned reader has consumed the
 * store's options; the caller reads its own and then calls `finish()`.
 * @throws ConfigError for an unknown scheme, a malformed URL or an invalid option.
 */
export function resolveBackend(target: string, options: object): { backend: Backend; reader: OptionReader } {
  const url = parseConnectionUrl(target)
  const factory = BACKENDS[url.scheme]
  if (factory === undefined) {
    throw new ConfigError('SCHEME_UNSUPPORTED', `URL scheme "${url.scheme}:" is not supported; use one of ${SUPPORTED_SCHEMES.map((s) => `${s}:`).join(', ')} (got ${JSON.stringify(url.redacted)})`)
  }
  const reader = new OptionReader(url.params, options)
  return { backend: factory(url, reader), reader }
}
