import { ValidationError, quote } from './errors.js'
import type { ChatHistoryQuery, HistoryQuery, ListSessionsQuery, RunQuery, TraceQuery } from './records.js'
import type { SessionListing } from './store.js'
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

