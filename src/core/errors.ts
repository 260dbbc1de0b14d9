/**
 * Stable error codes. The class of an error says what the caller does next;
 * the code names the finer case. Listed with explanations in docs/errors.md.
 */
export type ErrorCode =
  | 'URL_INVALID'
  | 'SCHEME_UNSUPPORTED'
  | 'OPTION_INVALID'
  | 'DRIVER_MISSING'
  | 'STORE_INVALID'
  | 'CAPABILITY_MISSING'
  | 'SESSION_ID_INVALID'
  | 'FIELD_INVALID'
  | 'CONTENT_INVALID'
  | 'JSON_UNFAITHFUL'
  | 'STORE_CLOSED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_FAILED'
  | 'IMPORT_CONFLICT'
  | 'HISTORY_CONFLICT'
  | 'SESSION_FORBIDDEN'
  | 'TIMEOUT'
  | 'RUN_INTERRUPTED'
  | 'MODEL_FAILED'
  | 'MAX_STEPS'
  | 'PERSISTENCE_FAILED'
  | 'OPERATION_REUSED'
  | 'SPOOL_INVALID'
  | 'SPOOL_FAILED'
  | 'SPOOL_PENDING'

/** Base class of every error agentdb throws. `code` is stable; `cause` holds the wrapped error. */
export class AgentDBError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** The setup is wrong (URL, options, driver, store shape): fix it and construct again. */
export class ConfigError extends AgentDBError {}

/** This call's input is wrong; nothing was written. */
export class ValidationError extends AgentDBError {}

/** The database could not be reached within the retry deadline; the write was not acknowledged. */
export class StoreUnavailableError extends AgentDBError {}

/** The database refused the operation; `cause` holds the driver's error. */
export class StoreError extends AgentDBError {}

/**
 * The `StoreError` `HISTORY_CONFLICT` of an edit whose `expectLastSeq` did not hold; every
 * store throws this one, before it changes anything.
 */
export function historyConflict(sessionId: string, expected: number | null, found: number): StoreError {
  const what = (seq: number | null): string => (seq === null || seq === 0 ? 'none' : String(seq))
  return new StoreError('HISTORY_CONFLICT', `session ${quote(sessionId)} changed meanwhile: its last seq is ${what(found)}, not ${what(expected)} as the edit expected; nothing was changed`)
}

const MAX_QUOTED = 80

/** Quotes a value for an error message, cut to 80 characters. Never pass message content or secrets. */
export function quote(value: unknown): string {
  let text: string
  if (typeof value === 'string') text = JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value)
  else if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') text = String(value)
  else if (typeof value === 'bigint') text = `${value}n`
  else if (typeof value === 'function') text = 'a function'
  else if (typeof value === 'symbol') text = 'a symbol'
  else if (Array.isArray(value)) text = 'an array'
  else text = `an object (${Object.prototype.toString.call(value).slice(8, -1)})`
  return text
}
