import { StoreError, type PraisonAIDB, type Session } from '../../index.js'
import {
  checkJsonObject, checkLimit, checkRecord, checkSameId, checkSessionId, checkTime, epochMs, invalid, isoTime,
} from './checks.js'
import type { DbSession } from './types.js'

// praisonai sessions are agentdb sessions. `createSession` imports the session record with
// the caller's times and metadata; agentdb keeps a session's metadata as first written, so
// `updateSession` keeps praisonai's changes under a session key that reads then prefer.

const CHANGES_KEY = 'praisonai:session'
/** Attempts of an update that lost a race with another update of the same session. */
const MAX_ATTEMPTS = 8

interface SessionChanges {
  readonly metadata?: Record<string, unknown>
  readonly createdAt?: number
}

async function readChanges(db: PraisonAIDB, id: string): Promise<SessionChanges> {
  const text = await db.getSessionKey(id, CHANGES_KEY)
  return text === null ? {} : JSON.parse(text) as SessionChanges
}

function toDbSession(session: Session, changes: SessionChanges): DbSession {
  const metadata = changes.metadata ?? session.metadata
  return {
    id: session.id, createdAt: changes.createdAt ?? epochMs(session.createdAt), updatedAt: epochMs(session.updatedAt),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata: { ...metadata } }),
  }
}

/** Creates a session with the caller's times and metadata; one that exists is left as it is. @throws ValidationError */
export async function createSession(db: PraisonAIDB, value: unknown): Promise<void> {
  const s = checkRecord('session', value)
  const id = checkSessionId('session.id', s['id'])
  const createdAt = isoTime(checkTime('session.createdAt', s['createdAt']))
  const updatedAt = isoTime(checkTime('session.updatedAt', s['updatedAt']))
  const metadata = checkJsonObject('session.metadata', s['metadata']) ?? {}
  await db.importRecords([{ kind: 'session', id, userId: null, agentId: null, name: null, metadata, createdAt, updatedAt, endedAt: null }])
}

export async function getSession(db: PraisonAIDB, id: unknown): Promise<DbSession | null> {
  const sessionId = checkSessionId('id', id)
  const session = await db.getSession(sessionId)
  return session === null ? null : toDbSession(session, await readChanges(db, sessionId))
}

/** Changes a session's metadata (or createdAt); a session that does not exist is not created. @throws ValidationError */
export async function updateSession(db: PraisonAIDB, id: unknown, updates: unknown): Promise<void> {
  const sessionId = checkSessionId('id', id)
  const u = checkRecord('updates', updates)
  checkSameId('id', sessionId, u)
  const metadata = checkJsonObject('updates.metadata', u['metadata'])
  const createdAt = u['createdAt'] === undefined ? undefined : checkTime('updates.createdAt', u['createdAt'])
  if (u['updatedAt'] !== undefined) checkTime('updates.updatedAt', u['updatedAt']) // agentdb stamps updatedAt itself
  if (await db.getSession(sessionId) === null) return
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const text = await db.getSessionKey(sessionId, CHANGES_KEY)
    const before = text === null ? {} : JSON.parse(text) as SessionChanges
    const after: SessionChanges = { ...before, ...(metadata === undefined ? {} : { metadata }), ...(createdAt === undefined ? {} : { createdAt }) }
    const next = JSON.stringify(after)
    if (Buffer.byteLength(next) > 64 * 1024) invalid('updates.metadata must fit in 64 KiB of JSON')
    if (await db.setSessionKey(sessionId, CHANGES_KEY, next, { expect: text })) return
  }
  throw new StoreError('STORE_FAILED', `session ${JSON.stringify(sessionId.slice(0, 80))} kept changing under ${MAX_ATTEMPTS} concurrent updates; try again`)
}

/** Sessions newest first, `limit` (default 100, at most 1000) after skipping `offset`. */
export async function listSessions(db: PraisonAIDB, limit: unknown, offset: unknown): Promise<DbSession[]> {
  const wanted = checkLimit('limit', limit) ?? 100
  if (wanted > 1000) invalid(`limit must be at most 1000, got ${wanted}`)
  let skip = offset === undefined ? 0 : checkLimit('offset', offset) ?? 0
  const sessions: Session[] = []
  let cursor: string | null = null
  do {
    const page = await db.listSessions({ limit: 1000, cursor })
    const items = page.items.slice(Math.min(skip, page.items.length))
    skip -= page.items.length - items.length
    sessions.push(...items.slice(0, wanted - sessions.length))
    cursor = sessions.length < wanted ? page.nextCursor : null
  } while (cursor !== null)
  return Promise.all(sessions.map(async (s) => toDbSession(s, await readChanges(db, s.id))))
}
