// A worker thread holding one raw better-sqlite3 connection: the thread hop of a store thread
// with nothing else in it (bench/sequential.ts). Each message is a row to INSERT (autocommit);
// the answer is an empty message once it has committed.
import { createRequire } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { RAW_COLUMNS, valuesList } from './rows.js'

const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const db = new Driver((workerData as { path: string }).path)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
const insert = db.prepare(`INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(1, () => '?')}`)
parentPort!.on('message', (row: unknown[] | null) => {
  if (row === null) {
    db.close()
    parentPort!.close()
    return
  }
  insert.run(row)
  parentPort!.postMessage(null)
})
