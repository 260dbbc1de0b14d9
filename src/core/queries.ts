import { decodeOffsetCursor } from './cursor.js'
import { ValidationError, quote } from './errors.js'
import type { ChatHistoryQuery, ExportQuery, HistoryQuery, ListSessionsQuery, PruneQuery, RunQuery, SearchQuery, TraceQuery } from './records.js'
import { searchWords } from './search.js'
import type { PruneBatch, SearchListing, SessionListing } from './store.js'
import { checkLimit, checkSeq, checkSessionId } from './validate.js'

// Read queries as the facade takes them from callers, checked and with their defaults.

const DEFAULT_LIST_LIMIT = 50
const MAX_LIST_LIMIT = 1000

export function normaliseHistory(query: HistoryQuery | undefined): HistoryQuery {
  if (query === undefined) return {}
  if (typeof query !== 'object' || query === null) throw new ValidationError('FIELD_INVALID', `history query must be an object, got ${quote(query)}`)
  return { limit: checkLimit('limit', query.limit), beforeSeq: checkSeq('beforeSeq', query.beforeSeq), afterSeq: checkSeq('afterSeq', query.afterSeq) }
}

export function normaliseListing(query: ListSessionsQuery | undefined): SessionListing {
  const q = query ?? {}
  const limit = checkLimit('limit', q.limit) ?? DEFAULT_LIST_LIMIT
  if (limit > MAX_LIST_LIMIT) throw new ValidationError('FIELD_INVALID', `limit must be at most ${MAX_LIST_LIMIT}, got ${limit}`)
  if (q.cursor !== undefined && q.cursor !== null && typeof q.cursor !== 'string') throw new ValidationError('FIELD_INVALID', `cursor must be a string from nextCursor, got ${quote(q.cursor)}`)
  return {
    limit,
    userId: q.userId === undefined ? undefined : checkNonEmpty('userId', q.userId),
    agentId: q.agentId === undefined ? undefined : checkNonEmpty('agentId', q.agentId),
    cursor: q.cursor ?? null,
  }
}

function checkQueryObject(what: string, query: unknown): Record<string, unknown> {
  if (query === undefined) return {}
  if (typeof query !== 'object' || query === null) throw new ValidationError('FIELD_INVALID', `${what} query must be an object, got ${quote(query)}`)
  return query as Record<string, unknown>
}

function checkListLimit(value: unknown): number {
  const limit = checkLimit('limit', value) ?? DEFAULT_LIST_LIMIT
  if (limit > MAX_LIST_LIMIT) throw new ValidationError('FIELD_INVALID', `limit must be at most ${MAX_LIST_LIMIT}, got ${limit}`)
  return limit
}

export function normaliseTurns(query: ChatHistoryQuery | undefined): number | undefined {
  return checkLimit('limit', checkQueryObject('history', query)['limit'])
}

export function normaliseRuns(query: RunQuery | undefined): RunQuery {
  return { limit: checkListLimit(checkQueryObject('runs', query)['limit']) }
}

export function normaliseTraces(query: TraceQuery | undefined): TraceQuery {
  const q = checkQueryObject('traces', query)
  return {
    limit: checkListLimit(q['limit']),
    sessionId: q['sessionId'] === undefined ? undefined : checkSessionId(q['sessionId']),
    userId: q['userId'] === undefined ? undefined : checkNonEmpty('userId', q['userId']),
  }
}

function checkNonEmpty(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError('FIELD_INVALID', `${field} must be a non-empty string, got ${quote(value)}`)
  return value
}


/** The longest search query accepted, in characters. */
const MAX_QUERY_LENGTH = 1000

/** `searchMessages`'s query checked, reduced to its words, with limit (default 50) and the cursor's offset. */
export function normaliseSearch(query: SearchQuery): SearchListing {
  const q = checkQueryObject('search', query ?? invalidQuery())
  const text = q['query']
  if (typeof text !== 'string' || text.length > MAX_QUERY_LENGTH) throw new ValidationError('FIELD_INVALID', `query must be a string of at most ${MAX_QUERY_LENGTH} characters, got ${quote(text)}`)
  const cursor = q['cursor']
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') throw new ValidationError('FIELD_INVALID', `cursor must be a string from nextCursor, got ${quote(cursor)}`)
  return {
    text,
    words: searchWords(text),
    limit: checkListLimit(q['limit']),
    offset: typeof cursor === 'string' ? decodeOffsetCursor(cursor) : 0,
    sessionId: q['sessionId'] === undefined ? undefined : checkSessionId(q['sessionId']),
    userId: q['userId'] === undefined ? undefined : checkNonEmpty('userId', q['userId']),
    agentId: q['agentId'] === undefined ? undefined : checkNonEmpty('agentId', q['agentId']),
  }
}

function invalidQuery(): never {
  throw new ValidationError('FIELD_INVALID', 'searchMessages needs a query object: { query: "words" }')
}

/** A time given as a `Date` or an ISO-8601 string, as ISO-8601 UTC with milliseconds. */
export function checkTime(field: string, value: unknown): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) throw new ValidationError('FIELD_INVALID', `${field} must be a Date or an ISO-8601 time, got ${quote(value)}`)
  return new Date(ms).toISOString()
}

/** Sessions per prune batch: each batch is one transaction. */
export const PRUNE_BATCH = 500

/** `pruneSessions`'s query as its first batch. @throws ValidationError without `endedBefore` or `inactiveSince`. */
export function normalisePrune(query: PruneQuery): PruneBatch {
  const q = checkQueryObject('prune', query)
  if (q['endedBefore'] === undefined && q['inactiveSince'] === undefined) {
    throw new ValidationError('FIELD_INVALID', 'pruneSessions needs endedBefore or inactiveSince (it never deletes every session)')
  }
  if (q['dryRun'] !== undefined && typeof q['dryRun'] !== 'boolean') throw new ValidationError('FIELD_INVALID', `dryRun must be a boolean, got ${quote(q['dryRun'])}`)
  return {
    endedBefore: q['endedBefore'] === undefined ? undefined : checkTime('endedBefore', q['endedBefore']),
    inactiveSince: q['inactiveSince'] === undefined ? undefined : checkTime('inactiveSince', q['inactiveSince']),
    userId: q['userId'] === undefined ? undefined : checkNonEmpty('userId', q['userId']),
    dryRun: q['dryRun'] === true,
    afterId: null,
    limit: PRUNE_BATCH,
  }
}

/** `exportSessions`'s query checked: session ids, user, and `since` as ISO-8601 UTC. */
export function normaliseExport(query: ExportQuery | undefined): { sessionIds?: readonly string[]; userId?: string; since?: string } {
  const q = checkQueryObject('export', query)
  const ids = q['sessionIds']
  if (ids !== undefined && !Array.isArray(ids)) throw new ValidationError('FIELD_INVALID', `sessionIds must be an array of session ids, got ${quote(ids)}`)
  return {
    ...(ids === undefined ? {} : { sessionIds: (ids as unknown[]).map((id) => checkSessionId(id)) }),
    ...(q['userId'] === undefined ? {} : { userId: checkNonEmpty('userId', q['userId']) }),
    ...(q['since'] === undefined ? {} : { since: checkTime('since', q['since']) }),
  }
}
