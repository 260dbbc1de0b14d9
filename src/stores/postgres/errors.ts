import type { AgentDBError } from '../../core/errors.js'
import { codeOf, ErrorScope, hostPort, isNetworkError, messageOf, tlsProblem, toAgentDBError, unavailable, type DriverErrorRules, type Verdict } from '../net/errors.js'

/** Where a pool connects, for messages: never the password. */
export interface PostgresTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
}

/**
 * SQLSTATEs of a lost or refused connection besides class 08: the server shut down or
 * terminated our backend (57P01–57P03), or has too many connections (53300).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const LOST_STATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300'])

/** Serialization failure and deadlock: the server rolled the transaction back, so running it again is safe. */
const CONFLICT_STATES: ReadonlySet<string> = new Set(['40001', '40P01'])

/** pg's own errors for a lost or never-made connection carry no code, only these messages (`timeout expired`: a `Client`'s own connect timeout). */
const LOST_CONNECTION = /connection terminated|connection timeout|timeout exceeded when trying to connect|timeout expired|not queryable|connection ended unexpectedly/i

const AUTH_STATES: ReadonlySet<string> = new Set(['28000', '28P01'])

/** True when `error` means the connection failed or was lost (so the client is unusable), not that the server refused a statement. */
export function isConnectionError(error: unknown): boolean {
  if (isNetworkError(error)) return true
  const code = codeOf(error)
  if (code !== undefined) return code.startsWith('08') || LOST_STATES.has(code)
  return LOST_CONNECTION.test(messageOf(error))
}

/** `PostgreSQL database "test" at 127.0.0.1:5432` */
export function describeTarget(t: PostgresTarget): string {
  return `PostgreSQL database ${JSON.stringify(t.database)} at ${hostPort(t.host, t.port)}`
}

function rulesFor(target: PostgresTarget): DriverErrorRules {
  return {
    classify(error: unknown, code: string | undefined, text: string): Verdict {
      if (code !== undefined && AUTH_STATES.has(code)) {
        return { kind: 'config', code: 'URL_INVALID', says: `refused the login of user ${JSON.stringify(target.user)} (SQLSTATE ${code}); check the user name and password of the URL` }
      }
      if (code === '3D000') return { kind: 'config', code: 'URL_INVALID', says: 'does not exist; create it or fix the URL' }
      if (/does not support SSL/i.test(text)) return { kind: 'config', code: 'OPTION_INVALID', says: 'does not accept SSL connections; set ssl=false or enable SSL on the server' }
      const tls = tlsProblem(code)
      if (tls !== undefined) return { kind: 'config', code: 'OPTION_INVALID', says: `${tls}; trust its authority with NODE_EXTRA_CA_CERTS, or set ssl=false for a server without TLS` }
      if (code !== undefined && CONFLICT_STATES.has(code)) {
        return { kind: 'unavailable', says: `aborted a transaction that conflicted with another writer (SQLSTATE ${code}); it is safe to run again` }
      }
      if (isConnectionError(error)) return unavailable(code ?? 'connection lost')
      return { kind: 'refused', says: `refused the operation${code === undefined ? '' : ` (SQLSTATE ${code})`}` }
    },
  }
}

/**
 * Maps a pg error to agentdb's: lost connections and retryable conflicts to
 * `StoreUnavailableError`, refused logins, missing databases and TLS the server lacks or
 * fails to `ConfigError`, the rest to `StoreError` `STORE_FAILED`. Messages name host, port
 * and database, never the password.
 */
export function toStoreError(error: unknown, target: PostgresTarget, password: string): AgentDBError {
  return toAgentDBError(error, new ErrorScope(describeTarget(target), password), rulesFor(target))
}
