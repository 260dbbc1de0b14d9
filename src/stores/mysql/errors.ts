import { AgentDBError, ConfigError, StoreError, StoreUnavailableError, type ErrorCode } from '../../core/errors.js'
import { redactUrl } from '../../core/url.js'

/** Where a MySQL store points, without the password: what every error message names. */
export interface MySqlTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
}

/** `MySQL database "app" at db.local:3306`: the subject of every message. */
export function describeTarget(target: MySqlTarget): string {
  return `MySQL database ${JSON.stringify(target.database)} at ${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`
}

/** Network failures, the server going away or busy: the core retries these until its deadline. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED',
  'ER_NET_READ_ERROR', 'ER_NET_READ_INTERRUPTED', 'ER_NET_ERROR_ON_WRITE', 'ER_NET_WRITE_INTERRUPTED', 'ER_READ_ONLY_MODE',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
])

/**
 * InnoDB chose this transaction as a deadlock victim (1213, whole transaction rolled back) or
 * it waited too long for a row lock (1205, statement rolled back; the executor rolls back the
 * rest). Either way nothing of it committed, so running it again from the start is safe:
 * these are reported as unavailable and the core's retry (with jittered backoff) re-runs it.
 */
const CONTENDED = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'])

/** The setup is wrong: credentials or database in the URL, TLS the server lacks. */
const MISCONFIGURED: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  ER_ACCESS_DENIED_ERROR: ['URL_INVALID', 'refused the credentials of user %u (wrong password, or no such user from this host)'],
  ER_DBACCESS_DENIED_ERROR: ['URL_INVALID', 'refused access to user %u (grant it privileges on the database)'],
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: ['URL_INVALID', 'refused user %u without a password'],
  ER_NOT_SUPPORTED_AUTH_MODE: ['URL_INVALID', 'asks for an authentication method mysql2 does not support for user %u'],
  ER_BAD_DB_ERROR: ['URL_INVALID', 'does not exist (create it with CREATE DATABASE, or fix the URL path)'],
  HANDSHAKE_NO_SSL_SUPPORT: ['OPTION_INVALID', 'does not support TLS, but the option ssl is on'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['OPTION_INVALID', 'has a self-signed TLS certificate, which ssl=true does not accept'],
  SELF_SIGNED_CERT_IN_CHAIN: ['OPTION_INVALID', 'has a TLS certificate from an untrusted authority (set NODE_EXTRA_CA_CERTS)'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['OPTION_INVALID', 'has a TLS certificate that cannot be verified (set NODE_EXTRA_CA_CERTS)'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['OPTION_INVALID', 'has a TLS certificate from an unknown authority (set NODE_EXTRA_CA_CERTS)'],
  CERT_HAS_EXPIRED: ['OPTION_INVALID', 'has an expired TLS certificate'],
  ERR_TLS_CERT_ALTNAME_INVALID: ['OPTION_INVALID', 'has a TLS certificate issued for another host name'],
}

interface DriverErrorFields {
  readonly code?: unknown
  readonly errno?: unknown
  readonly sqlState?: unknown
  readonly sqlMessage?: unknown
  readonly message?: unknown
  readonly fatal?: unknown
}

/** The driver's error code (`ER_LOCK_DEADLOCK`, `ECONNREFUSED`), or null. */
function driverCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as DriverErrorFields).code : undefined
  return typeof code === 'string' ? code : null
}

/** Whether mysql2 marked the error fatal: the connection that raised it is unusable. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as DriverErrorFields).fatal === true
}

/**
 * A plain copy of a driver error for `cause`: code, errno, SQL state and the server's words.
 * Not the error itself, which carries `sql`: the statement with its values formatted in
 * (message content, tool arguments).
 */
function safeCause(error: unknown): Error {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorFields
  const text = typeof fields.sqlMessage === 'string' ? fields.sqlMessage : typeof fields.message === 'string' ? fields.message : String(error)
  const tags = [fields.code, fields.errno === undefined ? undefined : `errno ${String(fields.errno)}`, fields.sqlState === undefined ? undefined : `SQLSTATE ${String(fields.sqlState)}`]
    .filter((tag): tag is string => typeof tag === 'string')
  const cause = new Error(`${tags.length > 0 ? `${tags.join(', ')}: ` : ''}${redactUrl(text).slice(0, 500)}`)
  if (typeof fields.code === 'string') Object.defineProperty(cause, 'code', { value: fields.code, enumerable: true })
  return cause
}

/**
 * Maps an error raised while talking to MySQL to agentdb's classes: unreachable, a lost
 * connection or lock contention → `StoreUnavailableError` (retried); bad credentials or a
 * missing database → `ConfigError`; any other refusal → `StoreError` `STORE_FAILED`.
 * Messages name host, port and database, never the password, statement or values.
 */
export function mysqlError(error: unknown, target: MySqlTarget): AgentDBError {
  if (error instanceof AgentDBError) return error
  const subject = describeTarget(target)
  const code = driverCode(error)
  const cause = safeCause(error)
  const misconfigured = code === null ? undefined : MISCONFIGURED[code]
  if (misconfigured !== undefined) {
    const [configCode, text] = misconfigured
    return new ConfigError(configCode, `${subject} ${text.replace('%u', JSON.stringify(target.user))} (${code})`, { cause })
  }
  if (code !== null && CONTENDED.has(code)) {
    return new StoreUnavailableError('STORE_UNAVAILABLE', `${subject} aborted a transaction on lock contention (${code}); it is retried from the start`, { cause })
  }
  if ((code !== null && UNREACHABLE.has(code)) || isFatal(error)) {
    return new StoreUnavailableError('STORE_UNAVAILABLE', `${subject} is unreachable (${code ?? 'connection lost'})`, { cause })
  }
  return new StoreError('STORE_FAILED', `${subject} refused the operation (${code ?? 'error'})`, { cause })
}
