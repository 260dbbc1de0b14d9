// Entry of a store worker thread: builds the store from its spec and answers requests.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { ConfigError, StoreError } from '../errors.js'
import type { Backend, Store, SyncStore, WriteOp } from '../store.js'
import { adaptUserStore, type UserStore } from '../user-store.js'
import { resolveBackend } from '../../stores/registry.js'
import { writeMerged } from './merged-writes.js'
import { decodeOps } from './op-codec.js'
import { RequestLoop } from './request-loop.js'
import { READY, serializeError, type LoopStats, type Request, type Response, type WorkerInit, type WorkerOpen, type WorkerSpec } from './protocol.js'

const init = workerData as WorkerInit

async function buildBackend(spec: WorkerSpec): Promise<Backend> {
  if (spec.kind === 'url') return resolveBackend(spec.target, spec.options).backend
  const module = await import(spec.moduleUrl) as Record<string, unknown>
  const exported = module[spec.exportName]
  if (exported === undefined) throw new ConfigError('STORE_INVALID', `module ${spec.moduleUrl} has no export named ${JSON.stringify(spec.exportName)}`)
  const store = typeof exported === 'function' ? new (exported as new (...args: unknown[]) => object)(...spec.args) : exported
  return adaptUserStore(store as UserStore)
}

/** An open store of a slot: a synchronous one is called directly, with no promise wrapper. */
type Opened =
  | { readonly sync: false; readonly store: Store }
  /** `mergeUpTo`: most ops one write may take when batches that waited together are merged (1: never). */
  | { readonly sync: true; readonly store: SyncStore; readonly mergeUpTo: number }

async function openStore(spec: WorkerSpec, open: WorkerOpen): Promise<Opened> {
  const backend = await buildBackend(spec)
  if (open === 'async') return { sync: false, store: await backend.open() }
  if (backend.openSync === undefined) throw new ConfigError('CAPABILITY_MISSING', `${backend.description} has no synchronous store to run in a worker`)
  return { sync: true, store: backend.openSync(), mergeUpTo: backend.maxBatch }
}

/** A store of this thread, opened on first use; a failed open is tried again by the next call. */
class Slot {
  readonly #spec: WorkerSpec
  readonly #open: WorkerOpen
  #store: Opened | undefined
  #opening: Promise<Opened> | undefined

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#spec = spec
    this.#open = open
  }

  get opened(): boolean {
    return this.#store !== undefined || this.#opening !== undefined
  }

  /** The store, directly once it is open (no await on the hot path). */
  store(): Opened | Promise<Opened> {
    if (this.#store !== undefined) return this.#store
    this.#opening ??= openStore(this.#spec, this.#open).then(
      (store) => { this.#store = store; return store },
      (error: unknown) => { this.#opening = undefined; throw error },
    )
    return this.#opening
  }
}

/** One method of a store, by the request's name: the only dispatch by name on a call's path. */
function invoke(store: Store | SyncStore, request: Exclude<Request, { method: 'open' | 'loopStats' }>): unknown {
  switch (request.method) {
    case 'encodedWrite': return store.write(decodeOps(request.ops))
    case 'write': return store.write(...request.args)
    case 'getSession': return store.getSession(...request.args)
    case 'listSessions': return store.listSessions(...request.args)
    case 'getMessages': return store.getMessages(...request.args)
    case 'getToolCalls': return store.getToolCalls(...request.args)
    case 'getTimeline': return store.getTimeline(...request.args)
    case 'getAgentStates': return store.getAgentStates(...request.args)
    case 'getRuns': return store.getRuns(...request.args)
    case 'getTraces': return store.getTraces(...request.args)
    case 'deleteSession': return store.deleteSession(...request.args)
    case 'searchMessages': return store.searchMessages(...request.args)
    case 'pruneSessions': return store.pruneSessions(...request.args)
    case 'importSession': return store.importSession(...request.args)
    case 'getSessionKey': return store.getSessionKey(...request.args)
    case 'getSessionKeys': return store.getSessionKeys(...request.args)
    case 'stats': return store.stats()
    case 'info': return store.info()
    case 'close': return store.close()
  }
}

const slots = new Map<number, Slot>()
if (init.kind === 'bridge') slots.set(0, new Slot(init.spec, init.open))
const signal = init.kind === 'bridge' ? new Int32Array(init.signal) : undefined
const reply = init.kind === 'bridge' ? init.port : parentPort!

function send(response: Response): void {
  reply.postMessage(response)
  if (signal) {
    Atomics.store(signal, 0, 1)
    Atomics.notify(signal, 0)
  }
}

/** Answers `request`: on the spot when its store is open and synchronous, else once its promise settles. */
function answer(request: Request): Response | readonly Response[] | Promise<Response> {
  try {
    if (request.method === 'open') {
      slots.set(request.handle, new Slot(request.spec, request.open))
      return { id: request.id, ok: true, value: undefined }
    }
    if (request.method === 'loopStats') return { id: request.id, ok: true, value: { polled: loop.polled, merged } satisfies LoopStats }
    const slot = slots.get(request.handle)
    if (slot === undefined) throw new StoreError('STORE_CLOSED', 'the store is closed')
    if (request.method === 'close') {
      slots.delete(request.handle)
      if (!slot.opened) return { id: request.id, ok: true, value: undefined }
    }
    const opened = slot.store()
    if (request.method === 'encodedWrite' && !(opened instanceof Promise) && opened.sync && opened.mergeUpTo > 1) return answerWrites(request, opened.store, opened.mergeUpTo)
    const value = opened instanceof Promise ? opened.then((o) => invoke(o.store, request)) : invoke(opened.store, request)
    if (!(value instanceof Promise)) return { id: request.id, ok: true, value }
    return value.then((settled: unknown): Response => ({ id: request.id, ok: true, value: settled }), (error: unknown): Response => failed(request, error))
  } catch (error) {
    return failed(request, error)
  }
}

const failed = (request: Request, error: unknown): Response => ({ id: request.id, ok: false, error: serializeError(error) })

type EncodedWrite = Extract<Request, { method: 'encodedWrite' }>

/** Write requests answered as part of a merged write (`LoopStats.merged`). */
let merged = 0

/**
 * A write and the writes of the same store already waiting behind it, committed together, at
 * most `mergeUpTo` ops per write (`writeMerged`): while the thread commits, the caller's next
 * batches queue up, and the thread takes them all at its next commit instead of one commit
 * (one fsync) each. A batch that cannot be decoded fails alone.
 */
function answerWrites(first: EncodedWrite, store: SyncStore, mergeUpTo: number): Response[] {
  const responses: Response[] = []
  let group: { requests: EncodedWrite[]; batches: WriteOp[][]; ops: number } = { requests: [], batches: [], ops: 0 }
  const commit = (): void => {
    if (group.requests.length > 1) merged += group.requests.length
    writeMerged(store, group.batches).forEach((outcome, i) => {
      const request = group.requests[i]!
      responses.push(outcome.ok ? { id: request.id, ok: true, value: outcome.value } : failed(request, outcome.error))
    })
    group = { requests: [], batches: [], ops: 0 }
  }
  let request: EncodedWrite | undefined = first
  while (request !== undefined) {
    let ops: WriteOp[] | undefined
    try {
      ops = decodeOps(request.ops)
    } catch (error) {
      responses.push(failed(request, error))
    }
    if (ops !== undefined) {
      if (group.ops > 0 && group.ops + ops.length > mergeUpTo) commit()
      group.requests.push(request)
      group.batches.push(ops)
      group.ops += ops.length
    }
    request = loop.takeWaiting((next): next is EncodedWrite => next.method === 'encodedWrite' && next.handle === first.handle) as EncodedWrite | undefined
  }
  if (group.requests.length > 0) commit()
  return responses
}

/** How long the thread polls for the next request after answering one (ms): see `RequestLoop`. */
const POLL_MS = 0.5

const loop = new RequestLoop<Request, Response>({
  pollMs: POLL_MS,
  answer,
  send,
  receive: () => receiveMessageOnPort(parentPort!)?.message as Request | undefined,
  now: () => performance.now(),
})

parentPort!.on('message', (request: Request) => { loop.serve(request) })
// Every module of the thread (and the process's --import loaders) evaluated: a failure from
// here on is a stop, before it a failed start.
parentPort!.postMessage(READY)
// A bridge's caller blocks in Atomics.wait, where no 'message' event reaches it: it is told
// on its port too, so that the wait for its first answer starts once the thread can serve.
if (init.kind === 'bridge') {
  reply.postMessage(READY)
  Atomics.store(signal!, 0, 1)
  Atomics.notify(signal!, 0)
}
