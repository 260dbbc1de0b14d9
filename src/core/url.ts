import { ConfigError } from './errors.js'

/**
 * A parsed connection target. The password is a non-enumerable property, so neither
 * `util.inspect`, `JSON.stringify` nor a spread shows it; `redacted` is safe to print.
 */
export interface ConnectionUrl {
  readonly scheme: string
  readonly host: string
  readonly port: number | null
  readonly database: string
  readonly username: string
  readonly password: string
  /** A file-based store's path (SQLite: the file, or ":memory:"); empty for servers. */
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly redacted: string
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i
const DRIVE_LETTER = /^[a-z]:[\\/]/i

/**
 * Query parameters whose values are secrets. Matched without case, dashes or underscores, so
 * `authToken`, `auth_token` and `AUTH-TOKEN` are one name.
 */
const SECRET_PARAMS = new Set(['password', 'pass', 'pwd', 'passwd', 'token', 'authtoken', 'accesstoken', 'apikey', 'secret', 'clientsecret', 'sslkey', 'sslpassword', 'sslpassphrase', 'passphrase', 'key', 'privatekey'])

const normalisedParam = (name: string): string => name.toLowerCase().replace(/[-_]/g, '')

/** Whether a URL query parameter holds a secret (its value is never shown). */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.has(normalisedParam(name))
}

/**
 * Hides the secrets of every URL in a text: the password of `scheme://user:password@` and
 * the values of secret query parameters (`password`, `token`, `authToken`, `sslkey`, …)
 * become `***`.
 */
export function redactUrl(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/([?&;]([A-Za-z0-9_.-]+)=)([^&#\s"']*)/g, (match: string, head: string, name: string) => (isSecretParam(name) ? `${head}***` : match))
}

/** The lower-cased scheme of a target, or undefined for a bare path (Windows drive letters included). */
export function schemeOf(text: string): string | undefined {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase()
  if (scheme === undefined || (scheme.length === 1 && DRIVE_LETTER.test(text))) return undefined
  return scheme
}

/** Splits `target?query` at the first `?`. */
export function splitQuery(text: string): [target: string, query: string] {
  const at = text.indexOf('?')
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}

/** A URL query as options; a repeated name is an error (which one would win is a guess). */
export function parseQuery(query: string, redacted: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(query)) {
    if (key in params) throw new ConfigError('URL_INVALID', `connection URL ${JSON.stringify(redacted)} repeats the option "${key}"`)
    params[key] = value
  }
  return params
}

/** Builds a `ConnectionUrl`, hiding the password from enumeration. */
export function connectionUrl(fields: Omit<ConnectionUrl, 'password'>, password: string): ConnectionUrl {
  const url = { ...fields }
  Object.defineProperty(url, 'password', { value: password, enumerable: false })
  return Object.freeze(url) as ConnectionUrl
}

/**
 * Parses a server URL, `scheme://user:password@host:port/database?options`, the grammar of
 * every network store.
 * @throws ConfigError `URL_INVALID` when the text is not such a URL.
 */
export function parseServerUrl(text: string): ConnectionUrl {
  let url: URL
  try {
    url = new URL(text)
  } catch (error) {
    throw new ConfigError('URL_INVALID', `connection URL ${JSON.stringify(redactUrl(text))} cannot be parsed`, { cause: redactedError(error) })
  }
  const password = decodeURIComponent(url.password)
  url.password = password === '' ? '' : '***'
  const redacted = redactUrl(url.toString())
  return connectionUrl({
    scheme: url.protocol.slice(0, -1).toLowerCase(),
    host: decodeURIComponent(url.hostname).replace(/^\[|\]$/g, ''),
    port: url.port === '' ? null : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    username: decodeURIComponent(url.username),
    path: '',
    params: parseQuery(url.search.slice(1), redacted),
    redacted,
  }, password)
}

/** The URL parser's own error repeats its input; keep only its code. */
function redactedError(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code
  return Object.assign(new Error('invalid URL'), typeof code === 'string' ? { code } : {})
}
