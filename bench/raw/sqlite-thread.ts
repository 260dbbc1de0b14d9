// A worker thread holding one raw better-sqlite3 connection, served by agentdb's own request
// loop (it polls for the next request after a quick answer, as the store thread does): the
// thread hop with nothing else in it (bench/sequential.ts). Each request is a row to INSERT
// (autocommit); the answer, once it has committed, is null or the error's message. A null
// request closes the connection and ends the thread.
import { createRequire } from 'node:module'
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import { RequestLoop, STORE_THREAD_POLL_MS } from '../../src/core/offload/request-loop.js'
import { RAW_COLUMNS, valuesList } from './rows.js'

const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
const { path, ddl } = workerData as { path: string; ddl: string }
const db = new Driver(path)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.exec(ddl)
const insert = db.prepare(`INSERT INTO messages (${RAW_COLUMNS.join(', ')}) VALUES ${valuesList(1, () => '?')}`)
const port = parentPort!

function close(): void {
  db.close()
  port.close()
}

/** A request waiting on the port (a null one, the close, is taken here). */
function take(): unknown[] | undefined {
  const received = receiveMessageOnPort(port)
  if (received === undefined) return undefined
  if (received.message === null) {
    close()
    return undefined
  }
  return received.message as unknown[]
}

const loop = new RequestLoop<unknown[], string | null>({
  pollMs: STORE_THREAD_POLL_MS,
  answer: (row) => {
    try {
      insert.run(row)
      return null
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  },
  send: (answer) => { port.postMessage(answer) },
  receive: take,
  now: () => performance.now(),
})

port.on('message', (row: unknown[] | null) => {
  if (row === null) close()
  else loop.serve(row)
})
port.postMessage('ready')
