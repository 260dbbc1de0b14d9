import { AgentDBError, ConfigError, StoreError, StoreUnavailableError, type ErrorCode } from '../../core/errors.js'
import { redactUrl } from '../../core/url.js'

/**
 * Socket and name-resolution failures: the server is not there (yet, or any more), so the
 * call may succeed later. Every network store reads these the same way.
 */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ENOTCONN',
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN',
])

/**
 * Node's (OpenSSL's) codes of a TLS handshake that failed on the certificate or the protocol:
 * it fails the same way on every retry, so it is the setup to fix, not an outage.
 */
const TLS_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'has a self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'has a TLS certificate from an untrusted authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'has a TLS certificate that cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'has a TLS certificate from an unknown authority',
  CERT_HAS_EXPIRED: 'has an expired TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'has a TLS certificate issued for another host name',
}
const TLS_FAILURE = /^(ERR_SSL_|ERR_TLS_|UNABLE_TO_|CERT_)/

/** How long a copied driver message may be. */
const MAX_CAUSE_CHARS = 500

/** `db.local:5432`, or `[::1]:5432` for an IPv6 address: how every message names a server. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** The string `code` of a driver or socket error (`ECONNREFUSED`, `ER_LOCK_DEADLOCK`, `57P01`), if any. */
export function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/** What an error says. Node reports a failed connect to every address of a name as an AggregateError with no message of its own. */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (error.message === '' && error instanceof AggregateError) return error.errors.map(messageOf).join('; ')
  return error.message
}

/** True for a socket or name-resolution failure (the server cannot be reached now), also when Node aggregated one per address. */
export function isNetworkError(error: unknown): boolean {
  const code = codeOf(error)
  if (code !== undefined) return NETWORK_CODES.has(code)
  return error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isNetworkError)
}

/**
 * What is wrong with the server's TLS, for the `code` of a failed handshake
 * (`has an expired TLS certificate (CERT_HAS_EXPIRED)`); undefined for any other code.
 */
export function tlsProblem(code: string | undefined): string | undefined {
  if (code === undefined) return undefined
  const problem = TLS_PROBLEMS[code] ?? (TLS_FAILURE.test(code) ? 'failed the TLS handshake' : undefined)
  return problem === undefined ? undefined : `${problem} (${code})`
}

/**
 * Where a network store connects, as its messages name it, and the one secret none of its
 * errors may show. The password is a private field: `inspect` and `JSON.stringify` never see it.
 */
export class ErrorScope {
  /** The subject of every message: `PostgreSQL database "test" at 127.0.0.1:5432`. */
  readonly where: string
  readonly #password: string

  constructor(where: string, password: string) {
    this.where = where
    this.#password = password
  }

  /** `text` with every URL's password and this scope's password replaced by `***`. */
  redact(text: string): string {
    const masked = redactUrl(text)
    return this.#password === '' ? masked : masked.split(this.#password).join('***')
  }

  /**
   * A plain copy of a driver error, safe to attach as `cause`: its name, code and (redacted,
   * cut) text, none of its other fields. Drivers attach the statement with its values
   * (`sql`, `detail`), the command with its arguments (AUTH's password), or the client and
   * its configuration.
   */
  safeCause(error: unknown, text = messageOf(error)): Error {
    const copy = new Error(this.redact(text).slice(0, MAX_CAUSE_CHARS))
    const name = error instanceof Error ? error.name : undefined
    if (name !== undefined && /^\w{1,60}$/.test(name)) copy.name = name
    const code = codeOf(error)
    if (code !== undefined) Object.defineProperty(copy, 'code', { value: code, enumerable: true })
    return copy
  }
}

/**
 * A backend's reading of one of its driver's errors; `says` follows the subject
 * (`… refused the login of user "app"`).
 */
export type Verdict =
  | { readonly kind: 'config'; readonly code: ErrorCode; readonly says: string }
  | { readonly kind: 'unavailable'; readonly says: string }
  | { readonly kind: 'refused'; readonly says: string }

/** What differs per backend: its driver's own codes and words. */
export interface DriverErrorRules {
  /**
   * Reads an error that is not a socket failure: refused credentials, a missing database, a
   * lost session, contention, or a refusal. `text` is its message, redacted.
   */
  classify(error: unknown, code: string | undefined, text: string): Verdict
  /** The text the cause keeps (default: the error's message). */
  causeText?(error: unknown): string
}

/** `is unavailable (ECONNRESET)`: the verdict of an outage, which the core retries. */
export function unavailable(reason: string): Verdict {
  return { kind: 'unavailable', says: `is unavailable (${reason})` }
}

/**
 * Maps an error raised while talking to a database server to agentdb's classes: a socket
 * failure (or what `rules` calls unavailable) is `StoreUnavailableError`, which the core
 * retries until its deadline; a setup problem `ConfigError`; any other refusal `StoreError`
 * `STORE_FAILED`. The cause is a redacted copy (`ErrorScope.safeCause`); an `AgentDBError` passes as it is.
 */
export function toAgentDBError(error: unknown, scope: ErrorScope, rules: DriverErrorRules): AgentDBError {
  if (error instanceof AgentDBError) return error
  const code = codeOf(error)
  const cause = scope.safeCause(error, rules.causeText?.(error))
  const verdict = isNetworkError(error) ? unavailable(code ?? 'unreachable') : rules.classify(error, code, scope.redact(messageOf(error)))
  const message = scope.redact(`${scope.where} ${verdict.says}`)
  switch (verdict.kind) {
    case 'config': return new ConfigError(verdict.code, message, { cause })
    case 'unavailable': return new StoreUnavailableError('STORE_UNAVAILABLE', message, { cause })
    case 'refused': return new StoreError('STORE_FAILED', message, { cause })
  }
}
