import { ConfigError } from '../core/errors.js'
import { OptionReader } from '../core/options.js'
import type { Backend } from '../core/store.js'
import type { SpoolOpener } from '../core/spool/spool-file.js'
import type { OptionsOf, SchemesOf, StoreDefinition } from '../core/store-definition.js'
import { parseServerUrl, redactUrl, schemeOf, type ConnectionUrl } from '../core/url.js'
import { memoryDefinition } from './memory/index.js'
import { mysqlDefinition } from './mysql/index.js'
import { postgresDefinition } from './postgres/index.js'
import { redisDefinition } from './redis/index.js'
import { sqliteDefinition } from './sqlite/index.js'
import { openSqliteSpool } from './sqlite/spool-file.js'

/**
 * Every backend, one line each. A new backend is a folder under `stores/` that exports its
 * `StoreDefinition`, plus a line here. Store modules are small and load their drivers
 * lazily, so listing them costs nothing.
 */
const DEFINITIONS = [
  memoryDefinition,
  sqliteDefinition,
  postgresDefinition,
  mysqlDefinition,
  redisDefinition,
] as const

type Definition = typeof DEFINITIONS[number]

/** Each scheme's store options. */
export type OptionsByScheme = { [D in Definition as SchemesOf<D>]: OptionsOf<D> }

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never

/** The options of every store at once: what a target known only as `string` may take. */
export type AnyStoreOptions = UnionToIntersection<OptionsByScheme[keyof OptionsByScheme]>

/**
 * The store options a target takes, by its URL scheme when the type checker knows the URL
 * (`new PraisonAIDB('redis://…', { schema: 'x' })` does not compile); any store's options
 * when the URL is only known at run time (checked then, by name).
 */
export type StoreOptionsFor<T> =
  T extends string
    ? string extends T ? AnyStoreOptions
      : T extends `${infer S}:${string}`
        ? Lowercase<S> extends keyof OptionsByScheme ? OptionsByScheme[Lowercase<S>] : AnyStoreOptions
        : AnyStoreOptions
    : Record<never, never>

const BY_SCHEME: ReadonlyMap<string, StoreDefinition> = new Map(
  DEFINITIONS.flatMap((d: StoreDefinition<string, object>) => d.schemes.map((s): [string, StoreDefinition] => [s, d])),
)

/** Every scheme `new PraisonAIDB(url)` accepts. */
export const SUPPORTED_SCHEMES: readonly string[] = [...BY_SCHEME.keys()]

function parse(target: string): { definition: StoreDefinition; url: ConnectionUrl } {
  if (typeof target !== 'string' || target.trim() === '') throw new ConfigError('URL_INVALID', 'connection URL must be a non-empty string')
  const scheme = schemeOf(target)
  if (scheme === undefined) {
    const definition = DEFINITIONS.find((d: StoreDefinition<string, object>) => d.claimsBare?.(target) === true)
    if (definition === undefined) {
      throw new ConfigError('URL_INVALID', `connection target ${JSON.stringify(redactUrl(target))} is neither a URL with a scheme nor a SQLite file path ending in .db, .sqlite or .sqlite3`)
    }
    return { definition, url: definition.parse!(target) }
  }
  const definition = BY_SCHEME.get(scheme)
  if (definition === undefined) {
    throw new ConfigError('SCHEME_UNSUPPORTED', `URL scheme "${scheme}:" is not supported; use one of ${SUPPORTED_SCHEMES.map((s) => `${s}:`).join(', ')} (got ${JSON.stringify(redactUrl(target).slice(0, 200))})`)
  }
  return { definition, url: definition.parse ? definition.parse(target) : parseServerUrl(target) }
}

/** The scheme a target resolves to (`sqlite` for a bare path), for the named classes' checks. */
export function resolveScheme(target: string): string {
  return parse(target).url.scheme
}

/**
 * Resolves a URL or SQLite path to its backend. The returned reader has consumed the
 * store's options; the caller reads its own and then calls `finish()`.
 * @throws ConfigError for an unknown scheme, a malformed URL or an invalid option.
 */
export function resolveBackend(target: string, options: object): { backend: Backend; reader: OptionReader } {
  const { definition, url } = parse(target)
  const reader = new OptionReader(url.params, options)
  return { backend: definition.backend(url, reader), reader }
}

/** Opens a spool file (`spool` option): SQLite, whatever the store it spools for. */
export const openSpoolFile: SpoolOpener = openSqliteSpool
