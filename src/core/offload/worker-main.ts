// Entry of a store worker thread: builds the store from its spec and answers requests.
import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError, StoreError } from '../errors.js'
import { inlineStore, type Backend, type Store } from '../store.js'
import { adaptUserStore, type UserStore } from '../user-store.js'
import { resolveBackend } from '../../stores/registry.js'
import { decodeOps } from './op-codec.js'
import { serializeError, type Request, type Response, type WorkerInit, type WorkerOpen, type WorkerSpec } from './protocol.js'

const init = workerData as WorkerInit

async function buildBackend(spec: WorkerSpec): Promise<Backend> {
  if (spec.kind === 'url') return resolveBackend(spec.target, spec.options).backend
  const module = await import(spec.moduleUrl) as Record<string, unknown>
  const exported = module[spec.exportName]
  if (exported === undefined) throw new ConfigError('STORE_INVALID', `module ${spec.moduleUrl} has no export named ${JSON.stringify(spec.exportName)}`)
  const store = typeof exported === 'function' ? new (exported as new (...args: unknown[]) => object)(...spec.args) : exported
  return adaptUserStore(store as UserStore)
}

async function openStore(spec: WorkerSpec, open: WorkerOpen): Promise<Store> {
  const backend = await buildBackend(spec)
  if (open === 'async') return backend.open()
  if (backend.openSync === undefined) throw new ConfigError('CAPABILITY_MISSING', `${backend.description} has no synchronous store to run in a worker`)
  return inlineStore(backend.openSync())
}

/** A store of this thread, opened on first use; a failed open is tried again by the next call. */
class Slot {
  readonly #spec: WorkerSpec
  readonly #open: WorkerOpen
  #opening: Promise<Store> | undefined

  constructor(spec: WorkerSpec, open: WorkerOpen) {
    this.#spec = spec
    this.#open = open
  }

  get opened(): boolean {
    return this.#opening !== undefined
  }

  store(): Promise<Store> {
    this.#opening ??= openStore(this.#spec, this.#open).catch((error: unknown) => {
      this.#opening = undefined
      throw error
    })
    return this.#opening
  }
}

const slots = new Map<number, Slot>()
if (init.kind === 'bridge') slots.set(0, new Slot(init.spec, init.open))
const signal = init.kind === 'bridge' ? new Int32Array(init.signal) : undefined
const reply = init.kind === 'bridge' ? init.port : parentPort!

function argsOf(request: Request): unknown[] {
  if ('ops' in request) return [decodeOps(request.ops)]
  return 'args' in request ? [...request.args] : []
}

async function answer(request: Request): Promise<Response> {
  try {
    if (request.method === 'open') {
      slots.set(request.handle, new Slot(request.spec, request.open))
      return { id: request.id, ok: true, value: undefined }
    }
    const slot = slots.get(request.handle)
    if (slot === undefined) throw new StoreError('STORE_CLOSED', 'the store is closed')
    if (request.method === 'close') slots.delete(request.handle)
    if (request.method === 'close' && !slot.opened) return { id: request.id, ok: true, value: undefined }
    const opened = await slot.store()
    const method = opened[request.method] as (...args: readonly unknown[]) => Promise<unknown>
    return { id: request.id, ok: true, value: await method.apply(opened, argsOf(request)) }
  } catch (error) {
    return { id: request.id, ok: false, error: serializeError(error) }
  }
}

parentPort!.on('message', (request: Request) => {
  void answer(request).then((response) => {
    reply.postMessage(response)
    if (signal) {
      Atomics.store(signal, 0, 1)
      Atomics.notify(signal, 0)
    }
  })
})
