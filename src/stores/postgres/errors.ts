import { AgentDBError, ConfigError, StoreError, StoreUnavailableError } from '../../core/errors.js'
import { redactUrl } from '../../core/url.js'

/** Where a pool connects, for messages: never the password. */
export interface PostgresTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
}

/** Socket-level failures: the server is not there (yet, or any more). */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN',
])

/**
 * SQLSTATEs of a lost or refused connection besides class 08: the server shut down or
 * terminated our backend (57P01–57P03), or has too many connections (53300).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const LOST_STATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300'])

/** Serialization failure and deadlock: the server rolled the transaction back, so running it again is safe. */
const CONFLICT_STATES: ReadonlySet<string> = new Set(['40001', '40P01'])

/** pg's own errors for a lost or never-made connection carry no code, only these messages. */
const LOST_CONNECTION = /connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|connection ended unexpectedly/i

const AUTH_STATES: ReadonlySet<string> = new Set(['28000', '28P01'])

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // Node reports a failed connect to every address of a name as an AggregateError with no message
  if (error.message === '' && error instanceof AggregateError) return error.errors.map(messageOf).join('; ')
  return error.message
}

/** True when `error` means the connection failed or was lost (so the client is unusable), not that the server refused a statement. */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error)
  if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('08') || LOST_STATES.has(code))) return true
  return code === undefined && LOST_CONNECTION.test(messageOf(error))
}

/**
 * A copy of a driver error safe to attach as `cause`: its code and message with any URL
 * password and the password itself masked, without the driver's fields (`detail` can hold
 * row values) or references to the client and its configuration.
 */
function safeCause(error: unknown, password: string): Error {
  let text = redactUrl(messageOf(error))
  if (password !== '') text = text.split(password).join('***')
  const copy = new Error(text)
  const code = codeOf(error)
  return code === undefined ? copy : Object.assign(copy, { code })
}

/** `PostgreSQL database "test" at 127.0.0.1:5432` */
export function describeTarget(t: PostgresTarget): string {
  return `PostgreSQL database ${JSON.stringify(t.database)} at ${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`
}

/**
 * Maps a pg error to agentdb's: lost connections and retryable conflicts to
 * `StoreUnavailableError`, refused logins and missing databases to `ConfigError`, the rest to
 * `StoreError` `STORE_FAILED`. Messages name host, port and database, never the password.
 */
export function toStoreError(error: unknown, target: PostgresTarget, password: string): AgentDBError {
  if (error instanceof AgentDBError) return error
  const where = describeTarget(target)
  const code = codeOf(error)
  const cause = safeCause(error, password)
  if (code !== undefined && AUTH_STATES.has(code)) {
    return new ConfigError('URL_INVALID', `${where} refused the login of user ${JSON.stringify(target.user)} (SQLSTATE ${code}); check the user name and password of the URL`, { cause })
  }
  if (code === '3D000') return new ConfigError('URL_INVALID', `${where} does not exist; create it or fix the URL`, { cause })
  if (/does not support SSL/i.test(messageOf(error))) return new ConfigError('OPTION_INVALID', `${where} does not accept SSL connections; set ssl=false or enable SSL on the server`, { cause })
  if (code !== undefined && CONFLICT_STATES.has(code)) {
    return new StoreUnavailableError('STORE_UNAVAILABLE', `${where} aborted a transaction that conflicted with another writer (SQLSTATE ${code}); it is safe to run again`, { cause })
  }
  if (isConnectionError(error)) {
    return new StoreUnavailableError('STORE_UNAVAILABLE', `${where} is unavailable (${code ?? 'connection lost'})`, { cause })
  }
  return new StoreError('STORE_FAILED', `${where} refused the operation${code === undefined ? '' : ` (SQLSTATE ${code})`}`, { cause })
}
