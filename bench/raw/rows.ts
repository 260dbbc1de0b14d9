import { randomUUID } from 'node:crypto'
import { workMessage } from '../workload.js'

/** Columns of the raw tables: the library's `messages` table, same names and order. */
export const RAW_COLUMNS = ['id', 'session_id', 'seq', 'role', 'content', 'metadata', 'created_at', 'run_id'] as const

/** Rows per transaction/statement/pipeline of a raw ceiling. */
export const BATCH_ROWS = 500

/** Key part and role of a raw batched case: 500 rows is the ceiling, another size a reference row. */
export function batchRole(rows: number, method?: string): { readonly keyPart: string; readonly role: 'ceiling' | 'reference' } {
  const suffix = method === undefined ? '' : `-${method}`
  return rows === BATCH_ROWS ? { keyPart: `raw-ceiling${suffix}`, role: 'ceiling' } : { keyPart: `raw-batch-${rows}${suffix}`, role: 'reference' }
}

/** A raw row: what a hand-written INSERT binds for one message (seq = index + 1, known up front). */
export type RawRow = [id: string, sessionId: string, seq: number, role: string, content: string, metadata: string, createdAt: string, runId: null]

export const sessionKey = (session: number): string => `session-${session}`

/** Builds one row as a raw loader would: a fresh id, the JSON metadata, the time now. */
export function rawRow(session: number, index: number, time: (date: Date) => string = (d) => d.toISOString()): RawRow {
  const message = workMessage(session, index)
  return [randomUUID(), sessionKey(session), index + 1, 'user', message.content, JSON.stringify(message.metadata), time(new Date()), null]
}

/** `(?, ?, …), (?, …)` for `rows` rows of the raw columns, with `mark(i)` as the i-th placeholder (1-based). */
export function valuesList(rows: number, mark: (index: number) => string): string {
  const groups: string[] = []
  let index = 1
  for (let r = 0; r < rows; r++) groups.push(`(${RAW_COLUMNS.map(() => mark(index++)).join(', ')})`)
  return groups.join(', ')
}

let lastMs = 0
let sequence = 0

/**
 * A time-ordered id of the library's shape (UUIDv7: milliseconds, a counter, random bits).
 * The prebuilt SQLite ceiling uses it: such ids append to the primary-key index where a
 * random UUIDv4 lands anywhere in it, so the ceiling inserts the rows agentdb inserts, at
 * the faster of the two costs.
 */
export function timeOrderedId(): string {
  const ms = Math.max(Date.now(), lastMs)
  sequence = ms === lastMs ? sequence + 1 : 0
  lastMs = ms
  const time = ms.toString(16).padStart(12, '0')
  const random = randomUUID().replace(/-/g, '')
  const counter = (0x7000 | (sequence & 0xfff)).toString(16)
  return `${time.slice(0, 8)}-${time.slice(8)}-${counter}-${random.slice(16, 20)}-${random.slice(20)}`
}

/**
 * Columns of the raw `sessions` table of the "with session rows" references: the library's
 * own session columns, so that its rows take as many pages. Each batch writes, beside its
 * messages, the row of every session it touches (created, or its last seq and time set): the
 * bookkeeping every agentdb write does, written by hand in the fewest statements.
 */
export const SESSION_COLUMNS = ['id', 'user_id', 'agent_id', 'name', 'metadata', 'created_at', 'updated_at', 'ended_at', 'last_seq'] as const

/** A raw session row for message `index` of `session`: created by the first, its last seq and time set by the others. */
export type SessionRow = [id: string, userId: null, agentId: null, name: null, metadata: string, createdAt: string, updatedAt: string, endedAt: null, lastSeq: number]

export function sessionRow(session: number, index: number, time: string): SessionRow {
  return [sessionKey(session), null, null, null, '{}', time, time, null, index + 1]
}

/** Label part of the "with session rows" references. */
export const WITH_SESSIONS = 'rows + their sessions\' rows'
