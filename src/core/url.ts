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
  /** SQLite: the file path, or ":memory:". */
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly redacted: string
}

const SQLITE_FILE = /\.(db|sqlite|sqlite3|db3)$/i
const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/** Replaces the password of every `scheme://user:password@` in a text with `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
}

function parseQuery(query: string, redacted: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(query)) {
    if (key in params) throw new ConfigError('URL_INVALID', `connection URL ${JSON.stringify(redacted)} repeats the option "${key}"`)
    params[key] = value
  }
  return params
}

function make(fields: Omit<ConnectionUrl, 'password'>, password: string): ConnectionUrl {
  const url = { ...fields }
  Object.defineProperty(url, 'password', { value: password, enumerable: false })
  return Object.freeze(url) as ConnectionUrl
}

function parseSqlite(text: string, scheme: string): ConnectionUrl {
  const [target = '', query = ''] = splitQuery(text)
  let path: string
  if (scheme === '') path = target
  else if (target === `${scheme}::memory:` || target === `${scheme}://:memory:`) path = ':memory:'
  else if (target.startsWith(`${scheme}:///`)) path = target.slice(scheme.length + 4) // sqlite:///rel.db -> rel.db, sqlite:////abs -> /abs
  else throw new ConfigError('URL_INVALID', `SQLite URL ${JSON.stringify(redactUrl(text))} must look like sqlite:///relative.db, sqlite:////absolute/path.db or sqlite://:memory:`)
  if (path === '') throw new ConfigError('URL_INVALID', `SQLite URL ${JSON.stringify(redactUrl(text))} names no file`)
  return make({ scheme: 'sqlite', host: '', port: null, database: path, username: '', path, params: parseQuery(query, redactUrl(text)), redacted: redactUrl(text) }, '')
}

function splitQuery(text: string): [string, string] {
  const at = text.indexOf('?')
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)]
}

/**
 * Parses a connection URL or a bare SQLite file path.
 * @throws ConfigError `URL_INVALID` when the text is not a URL of a known shape.
 */
export function parseConnectionUrl(text: string): ConnectionUrl {
  if (typeof text !== 'string' || text.trim() === '') throw new ConfigError('URL_INVALID', 'connection URL must be a non-empty string')
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase()
  if (scheme === undefined || (scheme.length === 1 && /^[a-z]:[\\/]/i.test(text))) {
    if (SQLITE_FILE.test(splitQuery(text)[0])) return parseSqlite(text, '')
    throw new ConfigError('URL_INVALID', `connection target ${JSON.stringify(redactUrl(text))} is neither a URL with a scheme nor a SQLite file path ending in .db, .sqlite or .sqlite3`)
  }
  if (scheme === 'sqlite' || scheme === 'sqlite3') return parseSqlite(text, text.slice(0, scheme.length))
  if (scheme === 'memory') {
    const [target, query] = splitQuery(text)
    if (!/^memory:(\/\/)?$/i.test(target)) throw new ConfigError('URL_INVALID', `memory URL ${JSON.stringify(redactUrl(text))} takes no path; use "memory:"`)
    return make({ scheme, host: '', port: null, database: '', username: '', path: '', params: parseQuery(query, 'memory:'), redacted: redactUrl(text) }, '')
  }
  let url: URL
  try {
    url = new URL(text)
  } catch (error) {
    // not `error` itself: Node's ERR_INVALID_URL keeps the whole URL, password included, as `input`
    throw new ConfigError('URL_INVALID', `connection URL ${JSON.stringify(redactUrl(text))} cannot be parsed`, { cause: new TypeError(error instanceof Error ? error.message : 'Invalid URL') })
  }
  const password = decodeURIComponent(url.password)
  url.password = password === '' ? '' : '***'
  const redacted = url.toString()
  return make({
    scheme,
    host: decodeURIComponent(url.hostname).replace(/^\[|\]$/g, ''),
    port: url.port === '' ? null : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    username: decodeURIComponent(url.username),
    path: '',
    params: parseQuery(url.search.slice(1), redacted),
    redacted,
  }, password)
}
