import { StoreError } from '../errors.js'
import type { Store } from '../store.js'

/**
 * A store opened by its first call rather than up front, so that a store that cannot be
 * reached yet still takes the calls that do not need it (with a spool, writes). A failed open
 * is tried again by the next call; calls during an open share it. `close` closes what was
 * opened, now or once an open under way finishes.
 */
export function lazyStore(open: () => Promise<Store>, description: string): Store {
  let store: Store | undefined
  let opening: Promise<Store> | undefined
  let closed = false
  const current = (): Promise<Store> => {
    if (store !== undefined) return Promise.resolve(store)
    if (closed) return Promise.reject(new StoreError('STORE_CLOSED', `${description} was closed while the call was under way`))
    opening ??= open().then(
      (opened) => {
        opening = undefined
        if (closed) {
          void opened.close().catch(() => undefined) // nobody is left to tell; the runtime already closed
          throw new StoreError('STORE_CLOSED', `${description} was closed while it was being opened`)
        }
        store = opened
        return opened
      },
      (error: unknown) => {
        opening = undefined
        throw error
      },
    )
    return opening
  }
  return {
    write: (ops) => current().then((s) => s.write(ops)),
    getSession: (id) => current().then((s) => s.getSession(id)),
    listSessions: (query) => current().then((s) => s.listSessions(query)),
    getMessages: (id, query) => current().then((s) => s.getMessages(id, query)),
    getToolCalls: (id, query) => current().then((s) => s.getToolCalls(id, query)),
    getTimeline: (id, query) => current().then((s) => s.getTimeline(id, query)),
    getAgentStates: (id) => current().then((s) => s.getAgentStates(id)),
    getSessionKey: (id, key) => current().then((s) => s.getSessionKey(id, key)),
    getSessionKeys: (id) => current().then((s) => s.getSessionKeys(id)),
    getRuns: (id, query) => current().then((s) => s.getRuns(id, query)),
    getTraces: (query) => current().then((s) => s.getTraces(query)),
    deleteSession: (id) => current().then((s) => s.deleteSession(id)),
    searchMessages: (query) => current().then((s) => s.searchMessages(query)),
    pruneSessions: (batch) => current().then((s) => s.pruneSessions(batch)),
    importSession: (bundle) => current().then((s) => s.importSession(bundle)),
    stats: () => current().then((s) => s.stats()),
    info: () => current().then((s) => s.info()),
    close: async () => {
      closed = true
      const opened = store
      store = undefined
      await opened?.close()
    },
  }
}
