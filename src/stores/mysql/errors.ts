import type { AgentDBError, ErrorCode } from '../../core/errors.js'
import { ErrorScope, hostPort, tlsProblem, toAgentDBError, unavailable, type DriverErrorRules, type Verdict } from '../net/errors.js'

/** Where a MySQL store points, without the password: what every error message names. */
export interface MySqlTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
}

/** `MySQL database "app" at db.local:3306`: the subject of every message. */
export function describeTarget(target: MySqlTarget): string {
  return `MySQL database ${JSON.stringify(target.database)} at ${hostPort(target.host, target.port)}`
}

/** mysql2's and the server's words for a lost connection or a server going away or busy: the core retries these until its deadline. */
const UNREACHABLE = new Set([
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
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
}

interface DriverErrorFields {
  readonly code?: unknown
  readonly errno?: unknown
  readonly sqlState?: unknown
  readonly sqlMessage?: unknown
  readonly message?: unknown
  readonly fatal?: unknown
}

/** Whether mysql2 marked the error fatal: the connection that raised it is unusable. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as DriverErrorFields).fatal === true
}

/** `ER_DUP_ENTRY, errno 1062, SQLSTATE 23000: <the server's words>`, for the cause. */
function causeText(error: unknown): string {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorFields
  const text = typeof fields.sqlMessage === 'string' ? fields.sqlMessage : typeof fields.message === 'string' ? fields.message : String(error)
  const tags = [fields.code, fields.errno === undefined ? undefined : `errno ${String(fields.errno)}`, fields.sqlState === undefined ? undefined : `SQLSTATE ${String(fields.sqlState)}`]
    .filter((tag): tag is string => typeof tag === 'string')
  return `${tags.length > 0 ? `${tags.join(', ')}: ` : ''}${text}`
}

function rulesFor(target: MySqlTarget): DriverErrorRules {
  return {
    causeText,
    classify(error: unknown, code: string | undefined): Verdict {
      const misconfigured = code === undefined ? undefined : MISCONFIGURED[code]
      if (misconfigured !== undefined) {
        const [configCode, text] = misconfigured
        return { kind: 'config', code: configCode, says: `${text.replace('%u', JSON.stringify(target.user))} (${code})` }
      }
      const tls = tlsProblem(code)
      if (tls !== undefined) return { kind: 'config', code: 'OPTION_INVALID', says: `${tls}; trust its authority with NODE_EXTRA_CA_CERTS, or set ssl=false for a server without TLS` }
      if (code !== undefined && CONTENDED.has(code)) return { kind: 'unavailable', says: `aborted a transaction on lock contention (${code}); it is retried from the start` }
      if ((code !== undefined && UNREACHABLE.has(code)) || isFatal(error)) return unavailable(code ?? 'connection lost')
      return { kind: 'refused', says: `refused the operation (${code ?? 'error'})` }
    },
  }
}

/**
 * Maps an error raised while talking to MySQL to agentdb's classes: unreachable, a lost
 * connection or lock contention → `StoreUnavailableError` (retried); bad credentials, a
 * missing database or a TLS problem → `ConfigError`; any other refusal → `StoreError`
 * `STORE_FAILED`. Messages name host, port and database, never the password, statement or values.
 */
export function mysqlError(error: unknown, target: MySqlTarget, password: string): AgentDBError {
  return toAgentDBError(error, new ErrorScope(describeTarget(target), password), rulesFor(target))
}
