// Entry of a store worker thread: builds the store from its spec and answers requests.
import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError } from '../errors.js'
import { inlineStore, type Backend, type Store } from '../store.js'
import { adaptUserStore, type UserStore } from '../user-store.js'
import { resolveBackend } from '../../stores/registry.js'
import { decodeOps } from './op-codec.js'
import { serializeError, type Request, type Response, type WorkerInit } from './protocol.js'

const init = workerData as WorkerInit

async function buildBackend(): Promise<Backend> {
  const spec = init.spec
  if (spec.kind === 'url') return resolveBackend(spec.target, spec.options).backend
  const module = await import(spec.moduleUrl) as Record<string, unknown>
  const exported = module[spec.exportName]
  if (exported === undefined) throw new ConfigError('STORE_INVALID', `module ${spec.moduleUrl} has no export named ${JSON.stringify(spec.exportName)}`)
  const store = typeof exported === 'function' ? new (exported as new (...args: unknown[]) => object)(...spec.args) : exported
  return adaptUserStore(store as UserStore)
}

async function openStore(): Promise<Store> {
  const backend = await buildBackend()
  if (init.open === 'async') return backend.open()
  if (backend.openSync === undefined) throw new ConfigError('CAPABILITY_MISSING', `${backend.description} has no synchronous store to run in a worker`)
  return inlineStore(backend.openSync())
}

let opening: Promise<Store> | undefined

/** The store, opened on first use; a failed open is tried again by the next request. */
function store(): Promise<Store> {
  opening ??= openStore().catch((error: unknown) => {
    opening = undefined
    throw error
  })
  return opening
}
const signal = init.signal ? new Int32Array(init.signal) : undefined
const reply = init.port ?? parentPort!

function argsOf(request: Request): unknown[] {
  return 'ops' in request ? [decodeOps(request.ops)] : [...request.args]
}

async function answer(request: Request): Promise<Response> {
  try {
    if (request.method === 'close' && opening === undefined) return { id: request.id, ok: true, value: undefined }
    const opened = await store()
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
