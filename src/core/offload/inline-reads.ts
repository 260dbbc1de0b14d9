import type { HistoryQuery } from '../records.js'
import type { Store, SyncStore } from '../store.js'

/**
 * Most records a read may return and still run on the calling thread: a resume's last 50
 * messages is one. Measured on SQLite, such a read takes about 0.1 ms on the main thread and
 * 0.3 ms or more through the worker (two thread wake-ups), well inside the event loop's
 * budget (p99 <= 2 ms); longer histories and listings still go to the worker.
 */
export const INLINE_READ_LIMIT = 200

const isSmall = (query: HistoryQuery): boolean => query.limit !== undefined && query.limit <= INLINE_READ_LIMIT

function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run())
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

/**
 * A worker's store whose small reads (one session, or a history with a small `limit`) run on
 * a connection of the calling thread instead, opened on first use: no thread hop for them.
 * Writes, deletes and every other read stay in the worker. A read sees every write whose
 * hook has resolved (the worker committed it before answering), as on the worker's own
 * connection: each statement reads the latest committed state.
 */
export function withInlineReads(worker: Store, openSync: () => SyncStore): Store {
  let inline: SyncStore | undefined
  const local = (): SyncStore => (inline ??= openSync())
  return {
    write: (ops) => worker.write(ops),
    getSession: (id) => settle(() => local().getSession(id)),
    listSessions: (query) => worker.listSessions(query),
    getMessages: (id, query) => (isSmall(query) ? settle(() => local().getMessages(id, query)) : worker.getMessages(id, query)),
    getToolCalls: (id, query) => (isSmall(query) ? settle(() => local().getToolCalls(id, query)) : worker.getToolCalls(id, query)),
    getTimeline: (id, query) => (isSmall(query) ? settle(() => local().getTimeline(id, query)) : worker.getTimeline(id, query)),
    getAgentStates: (id) => worker.getAgentStates(id),
    getRuns: (id, query) => worker.getRuns(id, query),
    getTraces: (query) => worker.getTraces(query),
    deleteSession: (id) => worker.deleteSession(id),
    searchMessages: (query) => worker.searchMessages(query),
    pruneSessions: (batch) => worker.pruneSessions(batch),
    importSession: (bundle) => worker.importSession(bundle),
    getSessionKey: (id, key) => worker.getSessionKey(id, key),
    getSessionKeys: (id) => worker.getSessionKeys(id),
    stats: () => worker.stats(),
    info: () => worker.info(),
    async close() {
      try {
        await worker.close()
      } finally {
        const opened = inline
        inline = undefined
        opened?.close()
      }
    },
  }
}
