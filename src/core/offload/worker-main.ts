// Entry of a store worker thread: builds the store from its spec and answers requests.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { ConfigError, StoreError } from '../errors.js'
import type { Backend, Store, SyncStore } from '../store.js'
import { adaptUserStore, type UserStore } from '../user-store.js'
import { resolveBackend } from '../../stores/registry.js'
import { decodeOps } from './op-codec.js'
import { RequestLoop, STORE_THREAD_POLL_MS } from './request-loop.js'
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

/** The store a slot serves: a synchronous one is called directly, with no promise wrapper. */
async function openStore(spec: WorkerSpec, open: WorkerOpen): Promise<Store | SyncStore> {
  const backend = await buildBackend(spec)
  if (open === 'async') return backend.open()
  if (backend.openSync === undefined) throw new ConfigError('CAPABILITY_MISSING', `${backend.description} has no synchronous store to run in a worker`)
  return backend.openSync()
}

/** A store of this thread, opened on first use; a failed open is tried again by the next call. */
class Slot {
  readonly #spec: WorkerSpec
  readonly #open: WorkerOpen
  #store: Store | SyncStore | undefined
  #opening: Promise<Store | SyncStore> | undefined

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#spec = spec
    this.#open = open
  }

  get opened(): boolean {
    return this.#store !== undefined || this.#opening !== undefined
  }

  /** The store, directly once it is open (no await on the hot path). */
  store(): Store | SyncStore | Promise<Store | SyncStore> {
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
function answer(request: Request): Response | Promise<Response> {
  try {
    if (request.method === 'open') {
      slots.set(request.handle, new Slot(request.spec, request.open))
      return { id: request.id, ok: true, value: undefined }
    }
    if (request.method === 'loopStats') return { id: request.id, ok: true, value: { polled: loop.polled } satisfies LoopStats }
    const slot = slots.get(request.handle)
    if (slot === undefined) throw new StoreError('STORE_CLOSED', 'the store is closed')
    if (request.method === 'close') {
      slots.delete(request.handle)
      if (!slot.opened) return { id: request.id, ok: true, value: undefined }
    }
    const opened = slot.store()
    const value = opened instanceof Promise ? opened.then((store) => invoke(store, request)) : invoke(opened, request)
    if (!(value instanceof Promise)) return { id: request.id, ok: true, value }
    return value.then((settled: unknown): Response => ({ id: request.id, ok: true, value: settled }), (error: unknown): Response => failed(request, error))
  } catch (error) {
    return failed(request, error)
  }
}

const failed = (request: Request, error: unknown): Response => ({ id: request.id, ok: false, error: serializeError(error) })

const loop = new RequestLoop<Request, Response>({
  pollMs: STORE_THREAD_POLL_MS,
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
