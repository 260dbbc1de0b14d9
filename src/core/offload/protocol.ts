import { AgentDBError, ConfigError, StoreError, StoreUnavailableError, ValidationError, type ErrorCode } from '../errors.js'
import type { MessagePort } from 'node:worker_threads'
import type { StoreMethods } from '../store.js'

/**
 * How a worker thread builds the store it serves: the same URL and options (the password
 * travels in-process, never to a log), or a user store class exported by a module.
 */
export type WorkerSpec =
  | { readonly kind: 'url'; readonly target: string; readonly options: object }
  | { readonly kind: 'module'; readonly moduleUrl: string; readonly exportName: string; readonly args: readonly unknown[] }

/** Which opener of the backend the worker uses: `openSync()` (SQLite) or `open()` (network drivers, modules). */
export type WorkerOpen = 'sync' | 'async'

export interface WorkerInit {
  readonly spec: WorkerSpec
  readonly open: WorkerOpen
  /** Sync bridge only: set to 1 and notified when a reply is on `port`. */
  readonly signal?: SharedArrayBuffer
  readonly port?: MessagePort
}

export type Method = keyof StoreMethods

/**
 * A call of a store method. A `write` to one of the library's own stores carries its batch
 * as `encodeOps` text instead of `args` (a user store's ops stay clones).
 */
export type Request =
  | { readonly id: number; readonly method: Method; readonly args: readonly unknown[] }
  | { readonly id: number; readonly method: 'write'; readonly ops: string }

export interface SerializedError {
  readonly name: string
  readonly code: string | undefined
  readonly message: string
  readonly cause: { readonly name: string; readonly message: string; readonly code: string | undefined } | undefined
}

export type Response =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError }

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined
}

/** An error as data that crosses threads: class name, code, message, and its cause's. */
export function serializeError(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error))
  const cause = e.cause instanceof Error ? { name: e.cause.name, message: e.cause.message, code: codeOf(e.cause) } : undefined
  return { name: e.name, code: codeOf(e), message: e.message, cause }
}

const CLASSES: Readonly<Record<string, typeof AgentDBError>> = {
  AgentDBError, ConfigError, ValidationError, StoreUnavailableError, StoreError,
}

/** Rebuilds a typed error on this side of the thread boundary. Unknown errors become `StoreError`. */
export function deserializeError(data: SerializedError): AgentDBError {
  const cause = data.cause ? Object.assign(new Error(data.cause.message), { name: data.cause.name, code: data.cause.code }) : undefined
  const Class = CLASSES[data.name]
  if (Class && data.code !== undefined) return new Class(data.code as ErrorCode, data.message, { cause })
  return new StoreError('STORE_FAILED', `store worker failed: ${data.message}`, { cause })
}
