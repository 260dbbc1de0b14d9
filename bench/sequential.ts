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

/** How long a closing raw thread may take before it is terminated (ms). */
const THREAD_CLOSE_MS = 5000

/**
 * A raw better-sqlite3 connection in a worker thread of its own (`raw/sqlite-thread.ts`): one
 * awaited INSERT per call. A failed INSERT rejects its call; a thread that dies rejects the
 * call under way and every later one.
 */
class RawSqliteThread {
  readonly #worker: Worker
  readonly #exited: Promise<unknown>
  #pending: { resolve: () => void; reject: (error: Error) => void } | undefined
  #dead: Error | undefined

  private constructor(worker: Worker) {
    this.#worker = worker
    this.#exited = once(worker, 'exit')
    worker.on('message', (answer: string | null) => {
      if (answer === 'ready') return // the start, awaited by `open`
      const pending = this.#pending
      this.#pending = undefined
      if (answer === null) pending?.resolve()
      else pending?.reject(new Error(`raw INSERT in the worker thread failed: ${answer}`))
    })
    const die = (error: Error): void => {
      this.#dead ??= error
      this.#pending?.reject(error)
      this.#pending = undefined
    }
    worker.on('error', die)
    worker.on('exit', (code) => die(new Error(`the raw SQLite thread exited (code ${code})`)))
  }

  /** Starts the thread on a fresh file at `path` (it creates the table) and waits until it serves. */
  static async open(path: string): Promise<RawSqliteThread> {
    const worker = new Worker(new URL('./raw/sqlite-thread.js', import.meta.url), { workerData: { path, ddl: DDL } })
    const started = once(worker, 'message') // 'ready'; a failed start rejects with its error
    const thread = new RawSqliteThread(worker)
    try {
      await started
    } catch (error) {
      await worker.terminate()
      throw error
    }
    return thread
  }

  insert(row: unknown[]): Promise<void> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead)
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject }
      this.#worker.postMessage(row)
    })
  }

  /** Asks the thread to close its connection and end; terminates it if it has not within `THREAD_CLOSE_MS`. */
  async close(): Promise<void> {
    if (this.#dead === undefined) this.#worker.postMessage(null)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), THREAD_CLOSE_MS) })
    try {
      if ((await Promise.race([this.#exited, late])) === 'late') await this.#worker.terminate()
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * `await db.aonUserMessage(…)` (worker thread, group commit of one), one awaited raw
 * autocommit INSERT with better-sqlite3 on the main thread (its row built inside the timing,
 * as the hook builds its record), and the same INSERT sent to a worker thread of its own,
 * served by agentdb's request loop, and awaited (what crossing to a thread and back costs: the
 * worker's commit and fsync, then a wake-up of this thread's event loop, which an async store
 * cannot avoid without blocking it), all WAL + synchronous=FULL on their own files,
 * alternating call by call so that all see the same disk and load.
 */
export async function measureSequentialRep(calls: number): Promise<SequentialRep> {
  const target = await freshTarget('sqlite-full')
  const path = freshSqlitePath('raw_sqlite_latency')
  const threadPath = freshSqlitePath('raw_sqlite_thread_latency')
  let raw: BetterSqlite3.Database | undefined
  let thread: RawSqliteThread | undefined
  try {
    raw = new Driver(path)
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = FULL')
    raw.exec(DDL)
    thread = await RawSqliteThread.open(threadPath)
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
    try {
      await thread?.close()
    } finally {
      try {
        raw?.close()
      } finally {
        removeSqlite(path)
        removeSqlite(threadPath)
        await target.cleanup()
      }
    }
  }
}
