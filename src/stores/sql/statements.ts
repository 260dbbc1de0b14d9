import type { Assignments, Dialect, TableName } from './dialect.js'
import { columnList } from './schema.js'
import { AGENT_STATES, MESSAGES, RUNS, SESSION_KEYS, SESSIONS, SPANS, TOOL_CALLS, TRACES } from './tables.js'

/** A statement with its bind values. */
export interface SqlStep {
  readonly sql: string
  readonly params: readonly unknown[]
  /**
   * The plan does not read this statement's result (it receives an empty one): an executor
   * may hold it back and send it with the next statement or the COMMIT, in one round trip.
   */
  readonly deferrable?: true
  /** The text is one of a few fixed statements: a driver may prepare it once per connection. */
  readonly prepare?: true
}

/** `(?, ?), (?, ?)` for `rows` rows of `columns` columns, numbering from `first`. */
export function valuesList(d: Dialect, columns: number, rows: number, first = 1): string {
  const groups: string[] = []
  let index = first
  for (let r = 0; r < rows; r++) {
    const marks: string[] = []
    for (let c = 0; c < columns; c++) marks.push(d.placeholder(index++))
    groups.push(`(${marks.join(', ')})`)
  }
  return groups.join(', ')
}

/** Comma-separated placeholders numbered from `first`. */
export function placeholders(d: Dialect, count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => d.placeholder(first + i)).join(', ')
}

const MAX_CACHED_PER_DIALECT = 512
const texts = new WeakMap<Dialect, Map<string, string>>()

/**
 * Batch statements differ only by row count: their text is built once per dialect and count
 * (a batch of 200 would otherwise rebuild 1,600 placeholders before every statement-cache hit).
 * `kind` names the statement; an engine's own batch statements use it too (SQLite's write).
 */
export function cached(d: Dialect, kind: string, rows: number, build: (d: Dialect, rows: number) => string): string {
  let byKey = texts.get(d)
  if (byKey === undefined) {
    byKey = new Map()
    texts.set(d, byKey)
  }
  const key = `${kind}:${rows}`
  let text = byKey.get(key)
  if (text === undefined) {
    if (byKey.size >= MAX_CACHED_PER_DIALECT) byKey.clear()
    text = build(d, rows)
    byKey.set(key, text)
  }
  return text
}

/** How many rows of `columns` columns fit one statement. */
export function rowsPerStatement(d: Dialect, columns: number): number {
  return Math.max(1, Math.floor(d.maxParams / columns))
}

/**
 * How an upsert meets an existing session: the incoming `last_seq` is the number of seqs the
 * batch needs and is added; identifying fields already set are kept, those still null filled.
 * Written once for every engine and both session writes (this file's, PostgreSQL's `write.ts`).
 * An assignment reads the existing row only in its own column: MySQL assigns left to right,
 * so reading another column would see that column's new value.
 */
const SESSION_UPSERT: Assignments = (old, inc) => [
  `user_id = COALESCE(${old('user_id')}, ${inc('user_id')})`,
  `agent_id = COALESCE(${old('agent_id')}, ${inc('agent_id')})`,
  `name = COALESCE(${old('name')}, ${inc('name')})`,
  `updated_at = ${inc('updated_at')}`,
  `last_seq = ${old('last_seq')} + ${inc('last_seq')}`,
].join(', ')

/**
 * Creates missing sessions from `rows` (`VALUES …` or a `SELECT` of every session column) and
 * reserves `last_seq` increments for existing ones, in one statement; where the engine can, it
 * returns each session's `id, last_seq`.
 */
export function upsertSessionsFrom(d: Dialect, rows: string): string {
  return d.upsert(SESSIONS, rows, SESSION_UPSERT) + (d.hasReturning ? ' RETURNING id, last_seq' : '')
}

/** `upsertSessionsFrom` for `rows` rows of bind values. */
export const upsertSessions = (d: Dialect, rows: number): string =>
  cached(d, 'upsertSessions', rows, () => upsertSessionsFrom(d, `VALUES ${valuesList(d, SESSIONS.columns.length, rows)}`))

export const selectSessionSeqs = (d: Dialect, count: number): string =>
  `SELECT id, last_seq FROM ${d.table('sessions')} WHERE id IN (${placeholders(d, count)})`

/** A session's user, its row locked until the transaction ends (PostgreSQL, MySQL: SQLite's write lock covers the database). */
export const lockSessionUser = (d: Dialect): string =>
  `SELECT user_id FROM ${d.table('sessions')} WHERE id = ${d.placeholder(1)} FOR UPDATE`

export const setSessionEnded = (d: Dialect): string =>
  `UPDATE ${d.table('sessions')} SET ended_at = ${d.placeholder(1)}, updated_at = ${d.placeholder(2)} WHERE id = ${d.placeholder(3)}`

/** Records an agent's start or end; an end keeps the recorded start time. */
export const upsertAgentState = (d: Dialect): string =>
  cached(d, 'upsertAgentState', 1, () => d.upsert(AGENT_STATES, `VALUES ${valuesList(d, AGENT_STATES.columns.length, 1)}`, (old, inc) => [
    `started_at = CASE WHEN ${inc('status')} = 'started' THEN ${inc('started_at')} ELSE ${old('started_at')} END`,
    `status = ${inc('status')}`,
    `ended_at = ${inc('ended_at')}`,
    `metadata = ${inc('metadata')}`,
  ].join(', ')))

export const insertMessages = (d: Dialect, rows: number): string =>
  cached(d, 'insertMessages', rows, () => d.insertIgnoring(MESSAGES, `VALUES ${valuesList(d, MESSAGES.columns.length, rows)}`))

export const insertToolCalls = (d: Dialect, rows: number): string =>
  cached(d, 'insertToolCalls', rows, () => d.insertIgnoring(TOOL_CALLS, `VALUES ${valuesList(d, TOOL_CALLS.columns.length, rows)}`))

/** The tables of the records a write starts and ends (`Phase` in core/store.ts). */
export type PhasedTable = typeof RUNS | typeof TRACES | typeof SPANS

/**
 * What an end sets on a stored record: its end fields, and its details (`metadata` or
 * `attributes`) only when the end replaces them. Every other column keeps what the start wrote.
 */
const END_FIELDS: { readonly [T in PhasedTable['name']]: { readonly ends: readonly string[]; readonly details: string } } = {
  runs: { ends: ['status', 'output', 'metrics', 'ended_at'], details: 'metadata' },
  traces: { ends: ['status', 'ended_at'], details: 'metadata' },
  spans: { ends: ['status', 'error', 'ended_at'], details: 'attributes' },
}

/** A start: inserts the record unless its key is stored. */
export const insertStart = (d: Dialect, table: PhasedTable): string =>
  cached(d, `start:${table.name}`, 1, () => d.insertIgnoring(table, `VALUES ${valuesList(d, table.columns.length, 1)}`))

/**
 * An end: inserts the whole record when no start was stored, else sets only the end fields
 * (and the details with `replaceDetails`). Assignments read only the incoming row.
 */
export const upsertEnd = (d: Dialect, table: PhasedTable, replaceDetails: boolean): string =>
  cached(d, `end:${table.name}:${replaceDetails ? 'details' : 'ends'}`, 1, () => {
    const { ends, details } = END_FIELDS[table.name]
    const set = replaceDetails ? [...ends, details] : ends
    return d.upsert(table, `VALUES ${valuesList(d, table.columns.length, 1)}`, (_, inc) => set.map((c) => `${c} = ${inc(c)}`).join(', '))
  })

/** A session's runs, newest first; with `limited`, the first N. */
export const selectRuns = (d: Dialect, limited: boolean): string =>
  `SELECT ${columnList(RUNS)} FROM ${d.table('runs')} WHERE session_id = ${d.placeholder(1)} ORDER BY started_at DESC, id DESC${limited ? ` LIMIT ${d.placeholder(2)}` : ''}`

/** Traces newest first, of a session and/or a user; with `limited`, the first N. */
export function selectTraces(d: Dialect, filters: { sessionId: boolean; userId: boolean; limited: boolean }): string {
  const where: string[] = []
  let i = 1
  if (filters.sessionId) where.push(`session_id = ${d.placeholder(i++)}`)
  if (filters.userId) where.push(`user_id = ${d.placeholder(i++)}`)
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
  return `SELECT ${columnList(TRACES)} FROM ${d.table('traces')}${clause} ORDER BY started_at DESC, id DESC${filters.limited ? ` LIMIT ${d.placeholder(i)}` : ''}`
}

/** The spans of `count` traces of one session, oldest first. */
export const selectSpans = (d: Dialect, count: number): string =>
  `SELECT ${columnList(SPANS)} FROM ${d.table('spans')} WHERE session_id = ${d.placeholder(1)} AND trace_id IN (${placeholders(d, count, 2)}) ORDER BY started_at, id`

export const selectSession = (d: Dialect): string =>
  `SELECT ${columnList(SESSIONS)} FROM ${d.table('sessions')} WHERE id = ${d.placeholder(1)}`

/** Newest first, optional filters and cursor; one row more than the page tells whether there is a next. */
export function listSessions(d: Dialect, filters: { userId: boolean; agentId: boolean; cursor: boolean }): string {
  const where: string[] = []
  let i = 1
  if (filters.userId) where.push(`user_id = ${d.placeholder(i++)}`)
  if (filters.agentId) where.push(`agent_id = ${d.placeholder(i++)}`)
  if (filters.cursor) {
    const at = d.placeholder(i++)
    const at2 = d.placeholder(i++)
    const id = d.placeholder(i++)
    where.push(`(created_at < ${at} OR (created_at = ${at2} AND id < ${id}))`)
  }
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
  return `SELECT ${columnList(SESSIONS)} FROM ${d.table('sessions')}${clause} ORDER BY created_at DESC, id DESC LIMIT ${d.placeholder(i)}`
}

/**
 * A session's rows of `table` in a seq range. With `last`, the newest N come (descending,
 * the caller reverses), so "the last 50 of 10 000" reads 50 index entries.
 */
export function selectHistory(d: Dialect, table: typeof MESSAGES | typeof TOOL_CALLS, range: { after: boolean; before: boolean; last: boolean }): string {
  let i = 2
  const where = [`session_id = ${d.placeholder(1)}`]
  if (range.after) where.push(`seq > ${d.placeholder(i++)}`)
  if (range.before) where.push(`seq < ${d.placeholder(i++)}`)
  const order = range.last ? `ORDER BY seq DESC LIMIT ${d.placeholder(i)}` : 'ORDER BY seq'
  return `SELECT ${columnList(table)} FROM ${d.table(table.name)} WHERE ${where.join(' AND ')} ${order}`
}

export const selectAgentStates = (d: Dialect): string =>
  `SELECT ${columnList(AGENT_STATES)} FROM ${d.table('agent_states')} WHERE session_id = ${d.placeholder(1)} ORDER BY started_at, name, agent_id`

export const deleteBySession = (d: Dialect, table: TableName): string =>
  `DELETE FROM ${d.table(table)} WHERE ${table === 'sessions' ? 'id' : 'session_id'} = ${d.placeholder(1)}`

/** Which session filters a statement carries. */
export interface SessionFilters {
  readonly sessionId: boolean
  readonly userId: boolean
  readonly agentId: boolean
}

/**
 * Messages matching the search parameter, best first (ties by session and seq), a page at a
 * time. Bind order: the words, then the filters given (session, user, agent), then the words
 * again where the rank takes them, the limit and the offset.
 */
export function searchMessages(d: Dialect, filters: SessionFilters): string {
  const s = d.search
  let i = 1
  const where = [s.where(d.placeholder(i++))]
  if (filters.sessionId) where.push(`m.session_id = ${d.placeholder(i++)}`)
  const owner: string[] = []
  if (filters.userId) owner.push(`user_id = ${d.placeholder(i++)}`)
  if (filters.agentId) owner.push(`agent_id = ${d.placeholder(i++)}`)
  if (owner.length > 0) where.push(`m.session_id IN (SELECT id FROM ${d.table('sessions')} WHERE ${owner.join(' AND ')})`)
  const rank = s.rank(s.rankTakesQuery ? d.placeholder(i++) : '')
  const columns = MESSAGES.columns.map((c) => `m.${c.name}`).join(', ')
  return `SELECT ${columns} FROM ${s.from()} WHERE ${where.join(' AND ')} ORDER BY ${rank}, m.session_id, m.seq LIMIT ${d.placeholder(i++)} OFFSET ${d.placeholder(i)}`
}

/** Sessions a prune selects, in id order: bind the conditions given, in this order, then the limit. */
export function selectPrunable(d: Dialect, conditions: { endedBefore: boolean; inactiveSince: boolean; userId: boolean; afterId: boolean }): string {
  let i = 1
  const where: string[] = []
  if (conditions.endedBefore) where.push(`ended_at IS NOT NULL AND ended_at < ${d.placeholder(i++)}`)
  if (conditions.inactiveSince) where.push(`updated_at < ${d.placeholder(i++)}`)
  if (conditions.userId) where.push(`user_id = ${d.placeholder(i++)}`)
  if (conditions.afterId) where.push(`id > ${d.placeholder(i++)}`)
  return `SELECT ${columnList(SESSIONS)} FROM ${d.table('sessions')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${d.placeholder(i)}`
}

/** Deletes the rows of `count` sessions from `table` (by `session_id`, or `id` for sessions). */
export const deleteBySessions = (d: Dialect, table: TableName, count: number): string =>
  `DELETE FROM ${d.table(table)} WHERE ${table === 'sessions' ? 'id' : 'session_id'} IN (${placeholders(d, count)})`

/** The keys of a session's stored records of `table`, for an import to skip them. */
export function selectKeys(d: Dialect, table: 'messages' | 'tool_calls' | 'agent_states' | 'runs' | 'traces' | 'spans' | 'session_keys'): string {
  const keys = table === 'messages' || table === 'tool_calls' ? 'id, seq' : table === 'agent_states' ? 'name, agent_id' : table === 'spans' ? 'trace_id, id'
    : table === 'session_keys' ? 'name' : 'id'
  return `SELECT ${keys} FROM ${d.table(table)} WHERE session_id = ${d.placeholder(1)}`
}

/** An agent state as an import writes it: unless its key is stored. */
export const insertAgentState = (d: Dialect): string =>
  cached(d, 'insertAgentState', 1, () => d.insertIgnoring(AGENT_STATES, `VALUES ${valuesList(d, AGENT_STATES.columns.length, 1)}`))

/** A whole session row as an import writes it: unless its id is stored. */
export const insertSession = (d: Dialect): string =>
  cached(d, 'insertSession', 1, () => d.insertIgnoring(SESSIONS, `VALUES ${valuesList(d, SESSIONS.columns.length, 1)}`))

/** Raises a session's `last_seq` to at least the bound value (bound twice), never lowers it. */
export const raiseLastSeq = (d: Dialect): string =>
  `UPDATE ${d.table('sessions')} SET last_seq = CASE WHEN last_seq < ${d.placeholder(1)} THEN ${d.placeholder(2)} ELSE last_seq END WHERE id = ${d.placeholder(3)}`

/** Record counts of every table and the sessions' time span, in one row. */
export function selectStats(d: Dialect): string {
  const count = (table: TableName): string => `(SELECT COUNT(*) FROM ${d.table(table)})`
  return `SELECT ${count('sessions')} AS sessions, ${count('messages')} AS messages, ${count('tool_calls')} AS tool_calls, ` +
    `${count('agent_states')} AS agent_states, ${count('runs')} AS runs, ${count('traces')} AS traces, ${count('spans')} AS spans, ` +
    `(SELECT MIN(created_at) FROM ${d.table('sessions')}) AS oldest, (SELECT MAX(updated_at) FROM ${d.table('sessions')}) AS newest`
}

/** The greatest seq of a session's stored messages (`m`) and tool calls (`t`), null where it has none; bind the session id twice. */
export const selectLastSeqs = (d: Dialect): string =>
  `SELECT (SELECT MAX(seq) FROM ${d.table('messages')} WHERE session_id = ${d.placeholder(1)}) AS m, ` +
  `(SELECT MAX(seq) FROM ${d.table('tool_calls')} WHERE session_id = ${d.placeholder(2)}) AS t`

/** Removes a session's messages or tool calls after a seq (an edit of its tail). */
export const deleteAfterSeq = (d: Dialect, table: 'messages' | 'tool_calls'): string =>
  `DELETE FROM ${d.table(table)} WHERE session_id = ${d.placeholder(1)} AND seq > ${d.placeholder(2)}`

/** Whether a session exists, locking its row until the transaction ends (see `Dialect.lockingRead`). */
export const lockSession = (d: Dialect): string =>
  `SELECT id FROM ${d.table('sessions')} WHERE id = ${d.placeholder(1)}${d.lockingRead}`

/** The value of one session key; `locking` also locks the row (see `Dialect.lockingRead`). */
export const selectSessionKey = (d: Dialect, locking: boolean): string =>
  `SELECT value FROM ${d.table('session_keys')} WHERE session_id = ${d.placeholder(1)} AND name = ${d.placeholder(2)}${locking ? d.lockingRead : ''}`

/** Sets one session key, whether it is stored or not. */
export const upsertSessionKey = (d: Dialect): string =>
  cached(d, 'upsertSessionKey', 1, () => d.upsert(SESSION_KEYS, `VALUES ${valuesList(d, SESSION_KEYS.columns.length, 1)}`, (_, inc) =>
    `value = ${inc('value')}, updated_at = ${inc('updated_at')}`))

/** Clears one session key. */
export const deleteSessionKey = (d: Dialect): string =>
  `DELETE FROM ${d.table('session_keys')} WHERE session_id = ${d.placeholder(1)} AND name = ${d.placeholder(2)}`

/** A session key as an import writes it: unless its name is stored. */
export const insertSessionKey = (d: Dialect): string =>
  cached(d, 'insertSessionKey', 1, () => d.insertIgnoring(SESSION_KEYS, `VALUES ${valuesList(d, SESSION_KEYS.columns.length, 1)}`))

/** Every key of a session, by name. */
export const selectSessionKeys = (d: Dialect): string =>
  `SELECT ${columnList(SESSION_KEYS)} FROM ${d.table('session_keys')} WHERE session_id = ${d.placeholder(1)} ORDER BY name`
