import { resolve } from 'node:path'
import { isMainThread } from 'node:worker_threads'
import type { OptionReader } from '../../core/options.js'
import { inlineStore, sharedOpeners, type Backend, type SyncStore } from '../../core/store.js'
import type { StoreDefinition } from '../../core/store-definition.js'
import type { ConnectionUrl } from '../../core/url.js'
import { syncSqlStore, type SyncExecutor } from '../sql/executor.js'
import { IdleIndexer } from '../sql/idle-indexer.js'
import { checkIdentifier } from '../sql/identifiers.js'
import { sqliteDialect } from './dialect.js'
import { SqliteConnection, type SqliteSynchronous } from './driver.js'
import { indexPendingPlan } from './search-index.js'
import { isSqliteFile, parseSqliteUrl } from './url.js'
import { SessionCache, sqliteWrite } from './write.js'

export type { SqliteSynchronous } from './driver.js'

/** Quiet time after a write before a connection indexes pending messages for search (ms). */
const SEARCH_INDEX_IDLE_MS = 50
/** Messages per indexing step: about 25 us each, so a step keeps the event loop about 5 ms on the calling thread. */
const MAIN_THREAD_INDEX_CHUNK = 200
const WORKER_INDEX_CHUNK = 2000

/** Options of the SQLite store (also as URL query: `sqlite:///a.db?synchronous=normal`). */
export interface SqliteOptions {
  /** `full` (default): an acknowledged write survives power loss. `normal`: survives a crash of the process. */
  readonly synchronous?: SqliteSynchronous
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number
  /** Prefix of every table name, to keep several apps in one file apart (default none). */
  readonly tablePrefix?: string
  /**
   * Run the async surface's database work in a worker thread (default true), so the event
   * loop never waits on disk. `false` runs it on the calling thread (lower latency per call
   * for a single agent, but every commit stalls the event loop).
   */
  readonly offload?: boolean
}

/**
 * The SQLite backend. A file gets one connection per surface (WAL lets them and other
 * processes read while one writes): the sync surface's on the calling thread, the async
 * surface's in a worker thread. `:memory:` has one connection shared by both surfaces, on the
 * calling thread (a worker could not share it); its data ends when the last of them closes.
 */
function sqliteBackend(url: ConnectionUrl, reader: OptionReader<SqliteOptions>): Backend {
  const given = reader.string('tablePrefix')
  const prefix = given === undefined ? '' : checkIdentifier('tablePrefix', given)
  const options = {
    path: url.path === ':memory:' ? ':memory:' : resolve(url.path),
    synchronous: reader.choice<SqliteSynchronous>('synchronous', ['full', 'normal', 'off'], 'full'),
    busyTimeoutMs: reader.integer('busyTimeoutMs', 5000, 0, 600_000),
    dialect: sqliteDialect(prefix),
  }
  const offload = reader.boolean('offload', true)
  const connect = (): SyncStore => {
    const connection = new SqliteConnection(options)
    const indexer = new IdleIndexer({
      idleMs: SEARCH_INDEX_IDLE_MS,
      chunk: isMainThread ? MAIN_THREAD_INDEX_CHUNK : WORKER_INDEX_CHUNK,
      index: (limit) => connection.run(indexPendingPlan(options.dialect, limit), true),
    })
    const sessions = new SessionCache()
    const exec: SyncExecutor = {
      run: (plan, transactional) => {
        try {
          return connection.run(plan, transactional)
        } catch (error) {
          sessions.clear() // a batch that failed may have left sessions that never committed
          throw error
        }
      },
      close: () => { indexer.stop(); connection.close() },
    }
    return syncSqlStore(options.dialect, exec, {
      write: sqliteWrite(sessions),
      beforeSearch: (d) => indexPendingPlan(d, null),
      afterWrite: () => { indexer.touch() },
    })
  }
  const description = `sqlite:${url.path === ':memory:' ? ':memory:' : options.path}`
  if (options.path !== ':memory:') {
    return {
      description,
      capabilities: { syncSurface: true, reads: true, persistent: true },
      maxBatch: 10_000,
      // One write batch in flight (the default), not two: on 2 cores two measured ~4 % more
      // msgs/s for 200 agents on FULL but an event-loop p99 of ~2.6 ms against ~1.6 ms (ad-hoc
      // A/B of 16 runs each, issue 9): with both threads busy at once the calling thread gets
      // preempted, and batches half the size cost twice the fsyncs.
      ...(offload ? { threads: { async: 'sync', inlineReads: true } } : {}),
      open: () => Promise.resolve(inlineStore(connect())),
      openSync: connect,
    }
  }
  return { description, capabilities: { syncSurface: true, reads: true, persistent: false }, maxBatch: 10_000, ...sharedOpeners(connect) }
}

/** The SQLite store's definition: `sqlite:`/`sqlite3:` URLs and bare `*.db` paths. */
export const sqliteDefinition: StoreDefinition<'sqlite' | 'sqlite3', SqliteOptions> = {
  name: 'SQLite',
  schemes: ['sqlite', 'sqlite3'],
  parse: parseSqliteUrl,
  claimsBare: isSqliteFile,
  backend: sqliteBackend,
}
