import type { AgentDBError } from '../../core/errors.js'
import { tlsProblem, toAgentDBError, unavailable, type DriverErrorRules, type ErrorScope, type Verdict } from '../net/errors.js'

// Replies meaning "not now" (loading, failover, busy script, full) rather than "no".
const TRANSIENT_REPLIES = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|ERR max number of clients reached)/
const AUTH_REPLIES = /^(WRONGPASS|NOAUTH|ERR invalid password|ERR invalid username)/
const DATABASE_REPLIES = /^ERR (DB index is out of range|invalid DB index)/
// ioredis's own errors when the socket is down, closed, or a command outlived its timeout.
const CLIENT_UNREACHABLE = /^(Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Command timed out|connect ETIMEDOUT|Socket closed)/

const REDIS_RULES: DriverErrorRules = {
  classify(error: unknown, code: string | undefined, text: string): Verdict {
    const reason = JSON.stringify(text.slice(0, 120))
    if (AUTH_REPLIES.test(text)) return { kind: 'config', code: 'URL_INVALID', says: `refused the credentials of the connection URL (${reason}); check the username and password` }
    if (DATABASE_REPLIES.test(text)) return { kind: 'config', code: 'URL_INVALID', says: `has no such database (${reason}); use a database index the server has` }
    const tls = tlsProblem(code)
    if (tls !== undefined) return { kind: 'config', code: 'URL_INVALID', says: `${tls}; check the server's certificate or use redis:// for a server without TLS` }
    const name = error instanceof Error ? error.name : ''
    if (name === 'MaxRetriesPerRequestError' || CLIENT_UNREACHABLE.test(text) || TRANSIENT_REPLIES.test(text)) return unavailable(code ?? reason)
    return { kind: 'refused', says: `refused the operation (${reason})` }
  },
}

/** True for Redis's reply that the server does not have a script cached (EVALSHA before EVAL). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

/**
 * The error of the first command a MULTI queued and the server refused, when `error` is the
 * EXEC's `EXECABORT` (ioredis lists them as `previousErrors`): what the abort means — a
 * transaction whose commands met `-LOADING` was discarded because the server is loading, not
 * because it refused them.
 */
function queuedError(error: unknown): unknown {
  if (!(error instanceof Error) || !error.message.startsWith('EXECABORT')) return undefined
  const queued = (error as { previousErrors?: unknown }).previousErrors
  return Array.isArray(queued) ? queued.find((e) => e instanceof Error && !e.message.startsWith('EXECABORT')) : undefined
}

/**
 * Maps an ioredis or socket error to the error the core understands: unreachable or busy
 * (loading, failover) is `StoreUnavailableError` (retried), refused credentials, database or
 * TLS `ConfigError`, any other refusal `StoreError`. A transaction's `EXECABORT` is read as
 * the queued command's error that caused it. The cause keeps the reply's name, code and words,
 * never the command's arguments (AUTH's password, message content).
 */
export function mapRedisError(error: unknown, scope: ErrorScope): AgentDBError {
  return toAgentDBError(queuedError(error) ?? error, scope, REDIS_RULES)
}
