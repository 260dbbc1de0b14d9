import { AgentDBError, ConfigError, StoreError, StoreUnavailableError, ValidationError, type ErrorCode } from '../errors.js'
import type { MessagePort } from 'node:worker_threads'
import { redactUrl } from '../url.js'
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

/**
 * What a worker starts with. A sync bridge's worker serves one store, given here as handle 0,
 * and signals each reply on `signal`; a store thread starts empty and is told to `open` stores.
 */
export type WorkerInit =
  | { readonly kind: 'bridge'; readonly spec: WorkerSpec; readonly open: WorkerOpen; readonly signal: SharedArrayBuffer; readonly port: MessagePort }
  | { readonly kind: 'thread' }

/** The first message of a worker thread, once everything it loads has loaded. */
export const READY = 'ready'

export type Method = keyof StoreMethods

/** A call of one store method with its typed arguments. */
export type MethodCall = { readonly [K in Method]: { readonly method: K; readonly args: Parameters<StoreMethods[K]> } }[Method]

/**
 * A call of a store method on the store `handle` of the worker. A `write` to one of the
 * library's own stores carries its batch as `encodeOps` text instead of `args` (a user
 * store's ops stay clones). `open` registers a store under a new handle; it opens on first use.
 */
export type Request =
  | ({ readonly id: number; readonly handle: number } & MethodCall)
  | { readonly id: number; readonly handle: number; readonly method: 'encodedWrite'; readonly ops: string }
  | { readonly id: number; readonly handle: number; readonly method: 'open'; readonly spec: WorkerSpec; readonly open: WorkerOpen }
  | { readonly id: number; readonly handle: number; readonly method: 'loopStats' }

/** What a store thread's request loop reports (`StoreThread.loopStats`). */
export interface LoopStats {
  /** Requests the thread took by polling after an answer, rather than woken by its event loop. */
  readonly polled: number
}

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
  const cause = e.cause instanceof Error ? { name: e.cause.name, message: redactUrl(e.cause.message), code: codeOf(e.cause) } : undefined
  return { name: e.name, code: codeOf(e), message: redactUrl(e.message), cause }
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
