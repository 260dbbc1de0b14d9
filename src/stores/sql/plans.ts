import { decodeCursor, encodeCursor } from '../../core/cursor.js'
import { StoreError } from '../../core/errors.js'
import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, SettingValue, Span, StoreInfo, StoreStats, TimelineItem, ToolCall,
  Trace, TraceQuery,
} from '../../core/records.js'
import {
  takesSeq, type ImportOutcome, type PruneBatch, type SearchListing, type SessionBundle, type SessionListing, type SessionSeed, type WriteOp,
  type WriteResult,
} from '../../core/store.js'
import { mergeTimeline } from '../../core/timeline.js'
import { bundleSize } from '../../core/transfer.js'
import type { Dialect, TableName } from './dialect.js'
import {
  agentStateParams, messageParams, wholeSessionParams, runParams, sessionKeyParams, sessionParams, spanParams, toAgentState, toMessage, toRun, toSession,
  toSpan, toToolCall, toTrace, toolCallParams, traceParams, type Row,
} from './rows.js'
import { editSteps, sessionKeySteps } from './history-plans.js'
import * as sql from './statements.js'
import { MESSAGES, RUNS, SESSIONS, SPANS, TOOL_CALLS, TRACES } from './tables.js'

/** What the engine answered to one statement. */
export interface SqlResult {
  readonly rows: readonly Row[]
  readonly changes: number
}

/**
 * A unit of work as a generator: it yields statements and receives their results. The same
 * plan runs synchronously (better-sqlite3) or asynchronously (pg, mysql2), so the logic of
 * every SQL store is written once. `transactional` plans run inside one transaction.
 */
export type SqlPlan<T> = Generator<sql.SqlStep, T, SqlResult>

function* insertChunked(d: Dialect, build: (d: Dialect, rows: number) => string, columns: number, rows: readonly unknown[][]): Generator<sql.SqlStep, void, SqlResult> {
  const per = sql.rowsPerStatement(d, columns)
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per)
    yield { sql: build(d, chunk.length), params: chunk.flat(), deferrable: true }
  }
}

export interface SessionWork {
  seed: SessionSeed
  seqs: number
}

/** How many seqs an op takes: one per message or tool call, one per record an edit appends. */
const seqCount = (op: WriteOp): number => (takesSeq(op) ? 1 : op.type === 'edit' ? op.edit.append.length : 0)

/**
 * Merges the seeds of one session's writes: later non-null identifying fields fill earlier
 * nulls. A `sessionKey` write is left out: it writes its session only when applied (`sessionKeySteps`).
 */
export function collectSessions(ops: readonly WriteOp[]): Map<string, SessionWork> {
  const sessions = new Map<string, SessionWork>()
  for (const op of ops) {
    if (op.type === 'sessionKey') continue
    const work = sessions.get(op.session.id)
    const seqs = seqCount(op)
    if (work === undefined) {
      sessions.set(op.session.id, { seed: op.session, seqs })
    } else {
      work.seqs += seqs
      const s = work.seed
      if (s.userId === null || s.agentId === null || s.name === null) {
        work.seed = { ...s, userId: s.userId ?? op.session.userId, agentId: s.agentId ?? op.session.agentId, name: s.name ?? op.session.name }
      }
    }
  }
  return sessions
}

/** A write that takes no seq: an agent's start or end, a run, trace or span. */
export type SeqlessOp = Extract<WriteOp, { type: 'agentState' | 'run' | 'trace' | 'span' }>

/** The statements of a write that takes no seq (`SeqlessOp`). */
export function* seqlessSteps(d: Dialect, op: SeqlessOp): Generator<sql.SqlStep, void, SqlResult> {
  if (op.type !== 'agentState') {
    yield phasedStep(d, op)
    return
  }
  const s = op.record
  yield { sql: sql.setSessionEnded(d), params: [s.endedAt === null ? null : d.toTime(s.endedAt), d.toTime(op.session.at), d.toText(s.sessionId)], deferrable: true }
  yield { sql: sql.upsertAgentState(d), params: agentStateParams(d, s), deferrable: true }
}

function phasedStep(d: Dialect, op: Extract<WriteOp, { type: 'run' | 'trace' | 'span' }>): sql.SqlStep {
  const [table, params] = op.type === 'run' ? [RUNS, runParams(d, op.record)] : op.type === 'trace' ? [TRACES, traceParams(d, op.record)] : [SPANS, spanParams(d, op.record)]
  const statement = op.phase === 'start' ? sql.insertStart(d, table) : sql.upsertEnd(d, table, op.replaceDetails)
  return { sql: statement, params, deferrable: true }
}

/**
 * One batch of writes. Sessions are upserted in id order (so concurrent writers lock rows
 * in the same order and cannot deadlock), reserving each session's seqs in the same
 * statement; agent states, runs, traces, spans and session keys follow in batch order (a
 * start before its end); messages and tool calls go in as multi-row inserts that skip known
 * ids, at the end or before an edit, which sees the batch's earlier writes.
 */
export function* writePlan(d: Dialect, ops: readonly WriteOp[]): SqlPlan<WriteResult> {
  const sessions = collectSessions(ops)
  const ids = [...sessions.keys()].sort()
  const lastSeq = new Map<string, number>()
  const per = sql.rowsPerStatement(d, SESSIONS.columns.length)
  for (let start = 0; start < ids.length; start += per) {
    const chunk = ids.slice(start, start + per)
    const params = chunk.flatMap((id) => { const w = sessions.get(id)!; return sessionParams(d, w.seed, w.seqs) })
    // Without RETURNING the plan reads the seqs from the SELECT that follows, not from the upsert
    const upserted = yield { sql: sql.upsertSessions(d, chunk.length), params, ...(d.hasReturning ? {} : { deferrable: true as const }) }
    const rows = d.hasReturning ? upserted.rows : (yield { sql: sql.selectSessionSeqs(d, chunk.length), params: chunk.map((id) => d.toText(id)) }).rows
    for (const row of rows) lastSeq.set(d.fromText(row['id']), Number(row['last_seq']))
  }
  const nextSeq = new Map<string, number>()
  for (const [id, work] of sessions) nextSeq.set(id, lastSeq.get(id)! - work.seqs + 1)

  const seqs: number[] = []
  let messages: unknown[][] = []
  let toolCalls: unknown[][] = []
  const flush = function* (): Generator<sql.SqlStep, void, SqlResult> {
    yield* insertChunked(d, sql.insertMessages, MESSAGES.columns.length, messages)
    yield* insertChunked(d, sql.insertToolCalls, TOOL_CALLS.columns.length, toolCalls)
    messages = []
    toolCalls = []
  }
  for (const op of ops) {
    if (op.type === 'edit') {
      yield* flush()
      const first = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, first + op.edit.append.length)
      seqs.push(op.edit.append.length > 0 ? first : 0)
      const appended = yield* editSteps(d, op, first)
      messages.push(...appended.messages)
      toolCalls.push(...appended.toolCalls)
    } else if (op.type === 'sessionKey') {
      seqs.push(yield* sessionKeySteps(d, op))
    } else if (!takesSeq(op)) {
      seqs.push(0)
      yield* seqlessSteps(d, op)
    } else {
      const seq = nextSeq.get(op.session.id)!
      nextSeq.set(op.session.id, seq + 1)
      seqs.push(seq)
      if (op.type === 'message') messages.push(messageParams(d, op.record, seq))
      else toolCalls.push(toolCallParams(d, op.record, seq))
    }
  }
  yield* flush()
  return seqs
}

export function* getSessionPlan(d: Dialect, sessionId: string): SqlPlan<Session | null> {
  const { rows } = yield { sql: sql.selectSession(d), params: [d.toText(sessionId)] }
  return rows[0] === undefined ? null : toSession(d, rows[0])
}

export function* listSessionsPlan(d: Dialect, query: SessionListing): SqlPlan<Page<Session>> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null
  const params: unknown[] = []
  if (query.userId !== undefined) params.push(d.toText(query.userId))
  if (query.agentId !== undefined) params.push(d.toText(query.agentId))
  if (cursor) params.push(d.toTime(cursor.createdAt), d.toTime(cursor.createdAt), d.toText(cursor.id))
  params.push(query.limit + 1)
  const statement = sql.listSessions(d, { userId: query.userId !== undefined, agentId: query.agentId !== undefined, cursor: cursor !== null })
  const { rows } = yield { sql: statement, params }
  const items = rows.slice(0, query.limit).map((row) => toSession(d, row))
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null }
}

function* historyPlan<T>(d: Dialect, table: typeof MESSAGES | typeof TOOL_CALLS, map: (d: Dialect, row: Row) => T, sessionId: string, query: HistoryQuery): SqlPlan<T[]> {
  const params: unknown[] = [d.toText(sessionId)]
  if (query.afterSeq !== undefined) params.push(query.afterSeq)
  if (query.beforeSeq !== undefined) params.push(query.beforeSeq)
  if (query.limit !== undefined) params.push(query.limit)
  const statement = sql.selectHistory(d, table, { after: query.afterSeq !== undefined, before: query.beforeSeq !== undefined, last: query.limit !== undefined })
  const { rows } = yield { sql: statement, params }
  const items = rows.map((row) => map(d, row))
  return query.limit !== undefined ? items.reverse() : items
}

export const getMessagesPlan = (d: Dialect, sessionId: string, query: HistoryQuery): SqlPlan<Message[]> =>
  historyPlan(d, MESSAGES, toMessage, sessionId, query)

export const getToolCallsPlan = (d: Dialect, sessionId: string, query: HistoryQuery): SqlPlan<ToolCall[]> =>
  historyPlan(d, TOOL_CALLS, toToolCall, sessionId, query)

/** Both histories over the same range (each limited to the last N), merged by seq. */
export function* getTimelinePlan(d: Dialect, sessionId: string, query: HistoryQuery): SqlPlan<readonly TimelineItem[]> {
  const messages = yield* getMessagesPlan(d, sessionId, query)
  const toolCalls = yield* getToolCallsPlan(d, sessionId, query)
  return mergeTimeline(messages, toolCalls, query)
}

export function* getAgentStatesPlan(d: Dialect, sessionId: string): SqlPlan<AgentState[]> {
  const { rows } = yield { sql: sql.selectAgentStates(d), params: [d.toText(sessionId)] }
  return rows.map((row) => toAgentState(d, row))
}

/** A session's runs, newest first. */
export function* getRunsPlan(d: Dialect, sessionId: string, query: RunQuery): SqlPlan<Run[]> {
  const params: unknown[] = [d.toText(sessionId)]
  if (query.limit !== undefined) params.push(query.limit)
  const { rows } = yield { sql: sql.selectRuns(d, query.limit !== undefined), params }
  return rows.map((row) => toRun(d, row))
}

/**
 * Traces newest first, then the spans of each, oldest first: one statement per session the
 * traces belong to (a trace's spans are those of its id and its session). Run in one
 * transaction, so the spans match the traces.
 */
export function* getTracesPlan(d: Dialect, query: TraceQuery): SqlPlan<Trace[]> {
  const params: unknown[] = []
  if (query.sessionId !== undefined) params.push(d.toText(query.sessionId))
  if (query.userId !== undefined) params.push(d.toText(query.userId))
  if (query.limit !== undefined) params.push(query.limit)
  const statement = sql.selectTraces(d, { sessionId: query.sessionId !== undefined, userId: query.userId !== undefined, limited: query.limit !== undefined })
  const traces = (yield { sql: statement, params }).rows.map((row) => toTrace(d, row))
  const bySession = new Map<string, string[]>()
  for (const trace of traces) {
    const ids = bySession.get(trace.sessionId)
    if (ids === undefined) bySession.set(trace.sessionId, [trace.id])
    else ids.push(trace.id)
  }
  const spans = new Map<string, Map<string, Span[]>>()
  const per = sql.rowsPerStatement(d, 1) - 1
  for (const [sessionId, ids] of bySession) {
    const ofSession = new Map<string, Span[]>()
    spans.set(sessionId, ofSession)
    for (let start = 0; start < ids.length; start += per) {
      const chunk = ids.slice(start, start + per)
      const { rows } = yield { sql: sql.selectSpans(d, chunk.length), params: [d.toText(sessionId), ...chunk.map((id) => d.toText(id))] }
      for (const row of rows) {
        const span = toSpan(d, row)
        const list = ofSession.get(span.traceId)
        if (list === undefined) ofSession.set(span.traceId, [span])
        else list.push(span)
      }
    }
  }
  return traces.map((trace) => ({ ...trace, spans: spans.get(trace.sessionId)?.get(trace.id) ?? [] }))
}

const CHILD_TABLES: readonly TableName[] = ['messages', 'tool_calls', 'agent_states', 'runs', 'traces', 'spans', 'session_keys']

export function* deleteSessionPlan(d: Dialect, sessionId: string): SqlPlan<boolean> {
  for (const table of CHILD_TABLES) yield { sql: sql.deleteBySession(d, table), params: [d.toText(sessionId)], deferrable: true }
  const { changes } = yield { sql: sql.deleteBySession(d, 'sessions'), params: [d.toText(sessionId)] }
  return changes > 0
}

/** One page of search hits (the engine's full-text index, migration 3). */
export function* searchPlan(d: Dialect, query: SearchListing): SqlPlan<SearchHit[]> {
  const words = d.search.param(query.words)
  const params: unknown[] = [d.toText(words)]
  if (query.sessionId !== undefined) params.push(d.toText(query.sessionId))
  if (query.userId !== undefined) params.push(d.toText(query.userId))
  if (query.agentId !== undefined) params.push(d.toText(query.agentId))
  if (d.search.rankTakesQuery) params.push(d.toText(words))
  params.push(query.limit, query.offset)
  const statement = sql.searchMessages(d, { sessionId: query.sessionId !== undefined, userId: query.userId !== undefined, agentId: query.agentId !== undefined })
  const { rows } = yield { sql: statement, params }
  return rows.map((row) => { const message = toMessage(d, row); return { sessionId: message.sessionId, seq: message.seq, message } })
}

/** One prune batch: selects the sessions, and unless a dry run deletes them with all their rows (by their session_id indexes). */
export function* prunePlan(d: Dialect, batch: PruneBatch): SqlPlan<Session[]> {
  const params: unknown[] = []
  if (batch.endedBefore !== undefined) params.push(d.toTime(batch.endedBefore))
  if (batch.inactiveSince !== undefined) params.push(d.toTime(batch.inactiveSince))
  if (batch.userId !== undefined) params.push(d.toText(batch.userId))
  if (batch.afterId !== null) params.push(d.toText(batch.afterId))
  params.push(batch.limit)
  const conditions = { endedBefore: batch.endedBefore !== undefined, inactiveSince: batch.inactiveSince !== undefined, userId: batch.userId !== undefined, afterId: batch.afterId !== null }
  const sessions = (yield { sql: sql.selectPrunable(d, conditions), params }).rows.map((row) => toSession(d, row))
  if (batch.dryRun || sessions.length === 0) return sessions
  const ids = sessions.map((s) => d.toText(s.id))
  const per = sql.rowsPerStatement(d, 1)
  for (const table of [...CHILD_TABLES, 'sessions' as const]) {
    for (let start = 0; start < ids.length; start += per) {
      const chunk = ids.slice(start, start + per)
      yield { sql: sql.deleteBySessions(d, table, chunk.length), params: chunk, deferrable: true }
    }
  }
  return sessions
}

/** The keys of a session's stored rows of `table`, as text. */
function* storedKeys(d: Dialect, table: Parameters<typeof sql.selectKeys>[1], sessionId: string): SqlPlan<Map<string, number>> {
  const { rows } = yield { sql: sql.selectKeys(d, table), params: [d.toText(sessionId)] }
  const keys = new Map<string, number>()
  for (const row of rows) {
    const key = table === 'agent_states' ? JSON.stringify([d.fromText(row['name']), d.fromText(row['agent_id'])])
      : table === 'session_keys' ? d.fromText(row['name'])
      : table === 'spans' ? JSON.stringify([d.fromText(row['trace_id']), d.fromText(row['id'])]) : d.fromText(row['id'])
    keys.set(key, row['seq'] === undefined ? 0 : Number(row['seq']))
  }
  return keys
}

/**
 * One session as an export carries it (`importSession`): reads what is stored, fails on a seq
 * taken by another record before writing anything, then inserts the rest as it is and raises
 * `last_seq`. Runs in one transaction.
 */
export function* importPlan(d: Dialect, bundle: SessionBundle): SqlPlan<ImportOutcome> {
  const id = bundle.session.id
  const history = bundle.messages.length + bundle.toolCalls.length > 0
  const storedMessages = history ? yield* storedKeys(d, 'messages', id) : new Map<string, number>()
  const storedToolCalls = history ? yield* storedKeys(d, 'tool_calls', id) : new Map<string, number>()
  const takenSeqs = new Set([...storedMessages.values(), ...storedToolCalls.values()])
  const isNew = (r: Message | ToolCall): boolean => {
    if (storedMessages.has(r.id) || storedToolCalls.has(r.id)) return false
    if (takenSeqs.has(r.seq)) throw new StoreError('IMPORT_CONFLICT', `session ${JSON.stringify(id)} already has a record at seq ${r.seq}; nothing of it was imported`)
    return true
  }
  const messages = bundle.messages.filter(isNew)
  const toolCalls = bundle.toolCalls.filter(isNew)
  const maxSeq = [...messages, ...toolCalls].reduce((max, r) => Math.max(max, r.seq), 0)
  let added = 0
  // a lookup rather than the insert's count: MySQL counts a found duplicate as a changed row
  const exists = (yield { sql: sql.selectSession(d), params: [d.toText(id)] }).rows.length > 0
  if (!exists) {
    yield { sql: sql.insertSession(d), params: wholeSessionParams(d, bundle.session, maxSeq), deferrable: true }
    added += 1
  } else if (maxSeq > 0) yield { sql: sql.raiseLastSeq(d), params: [maxSeq, maxSeq, d.toText(id)], deferrable: true }
  yield* insertChunked(d, sql.insertMessages, MESSAGES.columns.length, messages.map((m) => messageParams(d, m, m.seq)))
  yield* insertChunked(d, sql.insertToolCalls, TOOL_CALLS.columns.length, toolCalls.map((t) => toolCallParams(d, t, t.seq)))
  added += messages.length + toolCalls.length
  const states = bundle.agentStates.length > 0 ? yield* storedKeys(d, 'agent_states', id) : new Map<string, number>()
  for (const state of bundle.agentStates) {
    if (states.has(JSON.stringify([state.name, state.agentId]))) continue
    yield { sql: sql.insertAgentState(d), params: agentStateParams(d, state), deferrable: true }
    added += 1
  }
  const phased: [typeof RUNS | typeof TRACES | typeof SPANS, readonly (Run | Omit<Trace, 'spans'> | Span)[]][] = [[RUNS, bundle.runs], [TRACES, bundle.traces], [SPANS, bundle.spans]]
  for (const [table, records] of phased) {
    if (records.length === 0) continue
    const stored = yield* storedKeys(d, table.name, id)
    for (const record of records) {
      const key = table === SPANS ? JSON.stringify([(record as Span).traceId, record.id]) : record.id
      if (stored.has(key)) continue
      const params = table === RUNS ? runParams(d, record as Run) : table === TRACES ? traceParams(d, record as Omit<Trace, 'spans'>) : spanParams(d, record as Span)
      yield { sql: sql.insertStart(d, table), params, deferrable: true }
      added += 1
    }
  }
  if (bundle.sessionKeys.length > 0) {
    const stored = yield* storedKeys(d, 'session_keys', id)
    for (const key of bundle.sessionKeys) {
      if (stored.has(key.name)) continue
      yield { sql: sql.insertSessionKey(d), params: sessionKeyParams(d, key), deferrable: true }
      added += 1
    }
  }
  return { added, skipped: bundleSize(bundle) - added }
}

/** How many rows each table holds, and the sessions' time span. */
export function* statsPlan(d: Dialect): SqlPlan<StoreStats> {
  const row = (yield { sql: sql.selectStats(d), params: [] }).rows[0] ?? {}
  const n = (name: string): number => Number(row[name] ?? 0)
  const time = (name: string): string | null => (row[name] === null || row[name] === undefined ? null : d.fromTime(row[name]))
  return {
    sessions: n('sessions'), messages: n('messages'), toolCalls: n('tool_calls'), agentStates: n('agent_states'), runs: n('runs'),
    traces: n('traces'), spans: n('spans'), oldestSession: time('oldest'), newestActivity: time('newest'),
  }
}

/** The newest applied migration and the dialect's settings, read from the connection. */
export function* infoPlan(d: Dialect): SqlPlan<StoreInfo> {
  const { rows } = yield { sql: `SELECT MAX(version) AS version FROM ${d.table('schema_version')}`, params: [] }
  const version = rows[0]?.['version']
  const settings: Record<string, SettingValue> = {}
  for (const setting of d.settings) {
    const answer = (yield { sql: setting.sql, params: [] }).rows[0]
    const raw = answer === undefined ? null : Object.values(answer)[0]
    settings[setting.name] = setting.read ? setting.read(raw) : raw === null || raw === undefined ? null : String(raw)
  }
  return { backend: d.name, schemaVersion: version === null || version === undefined ? null : Number(version), settings }
}
