import { ConfigError, quote } from './errors.js'
import { placeOnThreads, StoreModule } from './offload/threads.js'
import { OptionReader } from './options.js'
import { splitBackend } from './split-store.js'
import type { Backend } from './store.js'
import { adaptUserStore, type UserStore } from './user-store.js'
import { resolveBackend } from '../stores/registry.js'

/** Split storage: the conversation (sessions, messages, tool calls) in one store, agent state also in another. */
export interface SplitTarget {
  readonly conversation: string
  readonly state: string
}

/** Everything `new PraisonAIDB(target)` accepts. */
export type Target = string | UserStore | StoreModule | SplitTarget

/** A resolved target: its reader (store options consumed) and how to build the backend once core options are read. */
export interface ResolvedTarget {
  readonly reader: OptionReader
  build(syncTimeoutMs: number): Backend
}

function isSplit(target: object): target is SplitTarget {
  const t = target as Partial<SplitTarget>
  return typeof t.conversation === 'string' || typeof t.state === 'string'
}

/** A URL's backend placed on its threads; the same URL and options rebuild it in a worker. */
function urlBackend(target: string, options: object, syncTimeoutMs: number, backend: Backend): Backend {
  return placeOnThreads(backend, { kind: 'url', target, options }, syncTimeoutMs)
}

/**
 * Turns a constructor target into a backend.
 * @throws ConfigError for an invalid URL, option, store object or split target.
 */
export function resolveTarget(target: Target, options: object): ResolvedTarget {
  if (typeof target === 'string') {
    const { backend, reader } = resolveBackend(target, options)
    return { reader, build: (syncTimeoutMs) => urlBackend(target, options, syncTimeoutMs, backend) }
  }
  const reader = new OptionReader({}, options)
  if (target instanceof StoreModule) return { reader, build: (syncTimeoutMs) => target.backend(syncTimeoutMs) }
  if (typeof target === 'object' && target !== null && isSplit(target)) {
    if (typeof target.conversation !== 'string' || typeof target.state !== 'string') {
      throw new ConfigError('URL_INVALID', `a split target needs two URLs, { conversation, state }, got conversation ${quote(target.conversation)} and state ${quote(target.state)}`)
    }
    // Store options of each part go in its own URL's query; the options object holds the common ones.
    const parts = [target.conversation, target.state].map((url) => {
      const { backend, reader: own } = resolveBackend(url, {})
      own.finish(backend.description)
      return { url, backend }
    })
    return {
      reader,
      build: (syncTimeoutMs) => splitBackend(...(parts.map((p) => urlBackend(p.url, {}, syncTimeoutMs, p.backend)) as [Backend, Backend])),
    }
  }
  return { reader, build: () => adaptUserStore(target as UserStore) }
}
