import { createRequire } from 'node:module'
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
}

/**
 * `await db.aonUserMessage(…)` (worker thread, group commit of one) and one awaited raw
 * autocommit INSERT with better-sqlite3 on the main thread (its row built inside the timing,
 * as the hook builds its record), both WAL + synchronous=FULL on their own files, alternating
 * call by call so that both see the same disk and load.
 */
export async function measureSequentialRep(calls: number): Promise<SequentialRep> {
  const target = await freshTarget('sqlite-full')
  const path = freshSqlitePath('raw_sqlite_latency')
  const raw = new Driver(path)
  try {
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = FULL')
    raw.exec(`CREATE TABLE messages (id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL,
      content TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL, run_id TEXT);
      CREATE UNIQUE INDEX messages_session_seq ON messages (session_id, seq);`)
    const insert = raw.prepare(`INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(1, () => '?')}`)
    await using db = new PraisonAIDB(target.url, target.options)
    const hook: number[] = []
    const rawInsert: number[] = []
    for (let i = 0; i < WARMUP + calls; i++) {
      const message = workMessage(0, i)
      let t = performance.now()
      await db.aonUserMessage(sessionKey(0), message.content, message.metadata)
      if (i >= WARMUP) hook.push(performance.now() - t)
      t = performance.now()
      await Promise.resolve(insert.run(rawRow(0, i)))
      if (i >= WARMUP) rawInsert.push(performance.now() - t)
    }
    return { hook: summarize(hook), rawInsert: summarize(rawInsert) }
  } finally {
    raw.close()
    removeSqlite(path)
    await target.cleanup()
  }
}
