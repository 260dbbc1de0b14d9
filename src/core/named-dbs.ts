import { ConfigError } from './errors.js'
import { PraisonAIDB, type PraisonAIDBOptions } from './praisonai-db.js'
import { parseConnectionUrl } from './url.js'

/** Where a database server is, for the convenience classes (the Python docs' keyword arguments). */
export interface ServerAddress {
  readonly host?: string
  readonly port?: number
  readonly database?: string
  readonly user?: string
  readonly password?: string
}

interface ServerDefaults {
  readonly schemes: readonly string[]
  readonly port: number
  readonly database: string
  readonly user: string
}

function checkScheme(url: string, kind: string, schemes: readonly string[]): string {
  const scheme = parseConnectionUrl(url).scheme
  if (!schemes.includes(scheme)) throw new ConfigError('SCHEME_UNSUPPORTED', `${kind} takes a ${schemes.map((s) => `${s}:`).join(' or ')} URL, got a ${scheme}: URL`)
  return url
}

/** Builds a URL from an address; the password is percent-encoded, never logged. */
function serverUrl(defaults: ServerDefaults, address: ServerAddress): string {
  const user = encodeURIComponent(address.user ?? defaults.user)
  const password = address.password === undefined || address.password === '' ? '' : `:${encodeURIComponent(address.password)}`
  const host = address.host ?? '127.0.0.1'
  const bracketed = host.includes(':') ? `[${host}]` : host
  const auth = user === '' && password === '' ? '' : `${user}${password}@`
  return `${defaults.schemes[0]}://${auth}${bracketed}:${address.port ?? defaults.port}/${encodeURIComponent(address.database ?? defaults.database)}`
}

function split<T extends object>(target: T & ServerAddress): [ServerAddress, PraisonAIDBOptions] {
  const { host, port, database, user, password, ...options } = target
  const address: { -readonly [K in keyof ServerAddress]: ServerAddress[K] } = {}
  if (host !== undefined) address.host = host
  if (port !== undefined) address.port = port
  if (database !== undefined) address.database = database
  if (user !== undefined) address.user = user
  if (password !== undefined) address.password = password
  return [address, options as PraisonAIDBOptions]
}

function resolveServer(kind: string, defaults: ServerDefaults, target: string | (ServerAddress & PraisonAIDBOptions), options: PraisonAIDBOptions): [string, PraisonAIDBOptions] {
  if (typeof target === 'string') return [checkScheme(target, kind, defaults.schemes), options]
  const [address, rest] = split(target)
  return [serverUrl(defaults, address), { ...rest, ...options }]
}

/** `PraisonAIDB` on SQLite: `new SQLiteDB('agent_data.db')` or `new SQLiteDB({ path, synchronous })`. */
export class SQLiteDB extends PraisonAIDB {
  constructor(target: string | ({ readonly path?: string } & PraisonAIDBOptions) = 'agent_data.db', options: PraisonAIDBOptions = {}) {
    if (typeof target === 'string') {
      super(target.includes(':') && !/^[a-z]:[\\/]/i.test(target) ? checkScheme(target, 'SQLiteDB', ['sqlite']) : `sqlite:///${target}`, options)
    } else {
      const { path = 'agent_data.db', ...rest } = target
      super(`sqlite:///${path}`, { ...rest, ...options })
    }
  }
}

/** `PraisonAIDB` on PostgreSQL: a URL, or `{ host, port, database, user, password, ...options }`. */
export class PostgresDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & PraisonAIDBOptions) = {}, options: PraisonAIDBOptions = {}) {
    super(...resolveServer('PostgresDB', { schemes: ['postgresql', 'postgres'], port: 5432, database: 'postgres', user: 'postgres' }, target, options))
  }
}

/** `PraisonAIDB` on MySQL or MariaDB: a URL, or `{ host, port, database, user, password, ...options }`. */
export class MySQLDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & PraisonAIDBOptions) = {}, options: PraisonAIDBOptions = {}) {
    super(...resolveServer('MySQLDB', { schemes: ['mysql', 'mariadb'], port: 3306, database: 'test', user: 'root' }, target, options))
  }
}

/** `PraisonAIDB` on Redis: a URL, or `{ host, port, database (index), user, password, ...options }`. */
export class RedisDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & PraisonAIDBOptions) = {}, options: PraisonAIDBOptions = {}) {
    super(...resolveServer('RedisDB', { schemes: ['redis', 'rediss'], port: 6379, database: '0', user: '' }, target, options))
  }
}
