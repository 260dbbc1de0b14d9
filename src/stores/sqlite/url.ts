import { ConfigError } from '../../core/errors.js'
import { connectionUrl, parseQuery, redactUrl, schemeOf, splitQuery, type ConnectionUrl } from '../../core/url.js'

const SQLITE_FILE = /\.(db|sqlite|sqlite3|db3)$/i

/** Whether a target without a scheme is a SQLite file: a path ending in .db, .sqlite, .sqlite3 or .db3. */
export function isSqliteFile(text: string): boolean {
  return SQLITE_FILE.test(splitQuery(text)[0])
}

/**
 * SQLite's targets, as in SQLAlchemy: `sqlite:///relative.db`, `sqlite:////absolute.db`,
 * `sqlite://:memory:` (also `sqlite::memory:` and the `sqlite3` scheme), or a bare file path.
 * @throws ConfigError `URL_INVALID` for any other shape.
 */
export function parseSqliteUrl(text: string): ConnectionUrl {
  const [target, query] = splitQuery(text)
  const redacted = redactUrl(text)
  const scheme = schemeOf(text) === undefined ? '' : target.slice(0, target.indexOf(':'))
  let path: string
  if (scheme === '') path = target
  else if (target === `${scheme}::memory:` || target === `${scheme}://:memory:`) path = ':memory:'
  else if (target.startsWith(`${scheme}:///`)) path = target.slice(scheme.length + 4) // sqlite:///rel.db -> rel.db, sqlite:////abs -> /abs
  else throw new ConfigError('URL_INVALID', `SQLite URL ${JSON.stringify(redacted)} must look like sqlite:///relative.db, sqlite:////absolute/path.db or sqlite://:memory:`)
  if (path === '') throw new ConfigError('URL_INVALID', `SQLite URL ${JSON.stringify(redacted)} names no file`)
  return connectionUrl({ scheme: 'sqlite', host: '', port: null, database: path, username: '', path, params: parseQuery(query, redacted), redacted }, '')
}
