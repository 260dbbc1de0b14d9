import { ConfigError } from './errors.js'
import { schemeOf } from './url.js'

/** Where a database server is, for the named classes (the Python docs' keyword arguments). */
export interface ServerAddress {
  readonly host?: string
  readonly port?: number
  readonly database?: string
  readonly user?: string
  readonly password?: string
}

/** What a named class fills in for an address that leaves it out. */
export interface ServerDefaults {
  /** The class's name in messages (`PostgresDB`). */
  readonly kind: string
  /** Schemes its URLs may have; the first builds URLs from addresses. */
  readonly schemes: readonly string[]
  readonly port: number
  readonly database: string
  readonly user: string
}

/** @throws ConfigError `SCHEME_UNSUPPORTED` when `url` is not one of the class's schemes. */
export function checkScheme(url: string, kind: string, schemes: readonly string[]): string {
  const scheme = schemeOf(url) ?? 'file path'
  if (!schemes.includes(scheme)) throw new ConfigError('SCHEME_UNSUPPORTED', `${kind} takes a ${schemes.map((s) => `${s}:`).join(' or ')} URL, got a ${scheme}${scheme === 'file path' ? '' : ':'} target`)
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

/**
 * A named class's arguments as `PraisonAIDB`'s: a URL of its schemes, or an address with
 * options mixed in (`{ host, port, database, user, password, ...options }`).
 */
export function serverTarget<O extends object>(defaults: ServerDefaults, target: string | (ServerAddress & O), options: O): [string, O] {
  if (typeof target === 'string') return [checkScheme(target, defaults.kind, defaults.schemes), options]
  const { host, port, database, user, password, ...rest } = target
  const address: { -readonly [K in keyof ServerAddress]: ServerAddress[K] } = {}
  if (host !== undefined) address.host = host
  if (port !== undefined) address.port = port
  if (database !== undefined) address.database = database
  if (user !== undefined) address.user = user
  if (password !== undefined) address.password = password
  return [serverUrl(defaults, address), { ...rest, ...options } as O]
}
