import { once } from 'node:events'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB } from '../src/index.js'
import { freshTarget } from './agentdb.js'
import { RAW_COLUMNS, rawRow, sessionKey, valuesList } from './raw/rows.js'
import { summarize, type Latency } from './stats.js'
import { freshSqlitePath, removeSqlite } from './targets.js'
import { workMessage } from './workload.js'

const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const WARMUP = 50

/** Per-call latency in ms of one agent awaiting each hook on SQLite FULL, and of one raw autocommit INSERT, interleaved. */
export interface SequentialRep {
  readonly hook: Latency
  readonly rawInsert: Latency
  /** The same raw INSERT run by a worker thread and awaited: the thread hop with nothing else in it. */
  readonly rawThreadInsert: Latency
}

const DDL = `CREATE TABLE messages (id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL,
  content TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL, run_id TEXT);
  CREATE UNIQUE INDEX messages_session_seq ON messages (session_id, seq);`

/** A raw better-sqlite3 connection in a worker thread of its own (`raw/sqlite-thread.ts`): one awaited INSERT per call. */
class RawSqliteThread {
  readonly #worker: Worker
  #answer: (() => void) | undefined

  constructor(path: string) {
    this.#worker = new Worker(new URL('./raw/sqlite-thread.js', import.meta.url), { workerData: { path } })
    this.#worker.on('message', () => this.#answer?.())
  }

  insert(row: unknown[]): Promise<void> {
    return new Promise((resolve) => {
      this.#answer = resolve
      this.#worker.postMessage(row)
    })
  }

  async close(): Promise<void> {
    this.#worker.postMessage(null)
    await once(this.#worker, 'exit')
  }
}

/**
 * `await db.aonUserMessage(…)` (worker thread, group commit of one), one awaited raw
 * autocommit INSERT with better-sqlite3 on the main thread (its row built inside the timing,
 * as the hook builds its record), and the same INSERT sent to a worker thread of its own and
 * awaited (what the hop alone costs: the worker's commit and fsync, then a wake-up of this
 * thread), all WAL + synchronous=FULL on their own files, alternating call by call so that
 * all see the same disk and load.
 */
export async function measureSequentialRep(calls: number): Promise<SequentialRep> {
  const target = await freshTarget('sqlite-full')
  const path = freshSqlitePath('raw_sqlite_latency')
  const threadPath = freshSqlitePath('raw_sqlite_thread_latency')
  const raw = new Driver(path)
  let thread: RawSqliteThread | undefined
  try {
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = FULL')
    raw.exec(DDL)
    const setup = new Driver(threadPath)
    setup.pragma('journal_mode = WAL')
    setup.exec(DDL)
    setup.close()
    thread = new RawSqliteThread(threadPath)
    const insert = raw.prepare(`INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(1, () => '?')}`)
    await using db = new PraisonAIDB(target.url, target.options)
    const hook: number[] = []
    const rawInsert: number[] = []
    const rawThreadInsert: number[] = []
    for (let i = 0; i < WARMUP + calls; i++) {
      const message = workMessage(0, i)
      let t = performance.now()
      await db.aonUserMessage(sessionKey(0), message.content, message.metadata)
      if (i >= WARMUP) hook.push(performance.now() - t)
      t = performance.now()
      await Promise.resolve(insert.run(rawRow(0, i)))
      if (i >= WARMUP) rawInsert.push(performance.now() - t)
      t = performance.now()
      await thread.insert(rawRow(0, i))
      if (i >= WARMUP) rawThreadInsert.push(performance.now() - t)
    }
    return { hook: summarize(hook), rawInsert: summarize(rawInsert), rawThreadInsert: summarize(rawThreadInsert) }
  } finally {
    await thread?.close()
    raw.close()
    removeSqlite(path)
    removeSqlite(threadPath)
    await target.cleanup()
  }
}
