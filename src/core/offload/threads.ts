import type { Backend, Store } from '../store.js'
import { withInlineReads } from './inline-reads.js'
import type { WorkerSpec } from './protocol.js'
import { openSyncBridge } from './sync-bridge.js'
import { openWorkerStore } from './worker-store.js'

/**
 * Puts a backend's surfaces on the threads it declares (`Backend.threads`): the async
 * surface of a synchronous driver in a worker, the sync surface of an asynchronous driver
 * behind a blocking bridge. `spec` rebuilds the same backend inside the worker. With
 * `threads.inlineReads`, the async surface's small reads run on a `openSync()` store of the
 * calling thread (`withInlineReads`).
 */
export function placeOnThreads(backend: Backend, spec: WorkerSpec, syncTimeoutMs: number): Backend {
  const threads = backend.threads
  if (threads === undefined) return backend
  const openSync = backend.openSync
  const inWorker = (): Store => openWorkerStore(spec, 'sync')
  const openAsync = threads.inlineReads && openSync ? () => withInlineReads(inWorker(), () => openSync.call(backend)) : inWorker
  return {
    ...backend,
    capabilities: { ...backend.capabilities, syncSurface: backend.capabilities.syncSurface || threads.sync === 'bridge' },
    open: threads.async === 'sync' ? () => Promise.resolve(openAsync()) : () => backend.open(),
    ...(threads.sync === 'bridge' ? { openSync: () => openSyncBridge(spec, syncTimeoutMs, backend.description) } : {}),
  }
}

/** A user store class exported by a module, constructed and called inside a worker thread. */
export class StoreModule {
  readonly moduleUrl: string
  readonly exportName: string
  readonly args: readonly unknown[]

  constructor(moduleUrl: URL | string, exportName: string, args: readonly unknown[]) {
    this.moduleUrl = String(moduleUrl)
    this.exportName = exportName
    this.args = args
  }

  /** Both surfaces in workers: the store's own thread is never the caller's. */
  backend(syncTimeoutMs: number): Backend {
    const spec: WorkerSpec = { kind: 'module', moduleUrl: this.moduleUrl, exportName: this.exportName, args: this.args }
    const description = `module ${this.moduleUrl}#${this.exportName}`
    return {
      description,
      capabilities: { syncSurface: true, reads: true, persistent: true, userScopes: false },
      maxBatch: 1,
      open: () => Promise.resolve(openWorkerStore(spec, 'async')),
      openSync: () => openSyncBridge(spec, syncTimeoutMs, description),
    }
  }
}
