import { ConfigError, StoreError, ValidationError, quote } from './errors.js'
import { sessionForbidden } from './ownership.js'
import type { Session, TraceQuery } from './records.js'
import type { StoreRuntime } from './runtime.js'
import type { PruneBatch, SearchListing, SessionBundle, SessionListing, Store, SyncStore, WriteOp } from './store.js'
import { checkName } from './validate.js'
import type { SpoolStatus } from './spool/spool-file.js'

/** What `PraisonAIDB`'s hooks and reads call: the runtime itself, or a user scope over it. */
export type SessionAccess = Pick<StoreRuntime, 'write' | 'writeForResult' | 'writeThenRead' | 'read' | 'writeSync' | 'readSync' | 'flush' | 'aclose' | 'close' | 'spoolStatus'>

/** A user id for `forUser`: a non-empty string of at most 255 characters. @throws ValidationError */
export const checkUserId = (value: unknown): string => checkName('userId', value, false)

// ---- writes: every op of a scope carries its user as the session's owner ----------------

function notTheUser(field: string, given: string, userId: string): ValidationError {
  return new ValidationError('FIELD_INVALID', `${field} ${quote(given)} is not the scope's user ${quote(userId)}`)
}

/**
 * The op as the scope of `userId` writes it: the session is created as the user's, and the
 * store lets the write through only on a session of that user (`SessionSeed.owner`). A user
 * named by the hook (`userId`, metadata `user_id`/`userId`, a trace's `userId`) must be the
 * scope's. @throws ValidationError
 */
export function scopedOp(op: WriteOp, userId: string): WriteOp {
  const named = op.session.userId
  if (named !== null && named !== userId) throw notTheUser('userId', named, userId)
  const session = { ...op.session, userId, owner: userId }
  if (op.type !== 'trace') return { ...op, session } as WriteOp
  const traceUser = op.record.userId
  if (traceUser !== null && traceUser !== userId) throw notTheUser('trace userId', traceUser, userId)
  return { ...op, session, record: { ...op.record, userId } }
}

// ---- reads: the checks both surfaces make, written once ---------------------------------

/** Whether a read may go on: true for the user's session, false for none; another's throws. */
function isOwn(session: Session | null, sessionId: string, userId: string): boolean {
  if (session === null) return false
  if (session.userId !== userId) throw sessionForbidden(sessionId, userId, 'read')
  return true
}

/** A filter by user: the scope's own, never another's. */
function onlyUser(given: string | undefined, userId: string): string {
  if (given !== undefined && given !== userId) {
    throw new StoreError('SESSION_FORBIDDEN', `user ${quote(userId)} may not read or change the sessions of user ${quote(given)}`)
  }
  return userId
}

const listingOf = (q: SessionListing, userId: string): SessionListing => ({ ...q, userId: onlyUser(q.userId, userId) })
const searchOf = (q: SearchListing, userId: string): SearchListing => ({ ...q, userId: onlyUser(q.userId, userId) })
const pruneOf = (b: PruneBatch, userId: string): PruneBatch => ({ ...b, userId: onlyUser(b.userId, userId) })
/** Traces of the user's session (checked apart), or by user: the user's only. */
const tracesOf = (q: TraceQuery, userId: string): TraceQuery =>
  q.sessionId === undefined || q.userId !== undefined ? { ...q, userId: onlyUser(q.userId, userId) } : q

/** An imported session becomes the user's; one exported as another user's is refused. */
function bundleOf(bundle: SessionBundle, userId: string): SessionBundle {
  const named = bundle.session.userId
  if (named !== null && named !== userId) throw sessionForbidden(bundle.session.id, userId)
  return { ...bundle, session: { ...bundle.session, userId } }
}

/** A session stored under another user (or none) refuses the import; an absent one is created as the user's. */
function checkImportTarget(stored: Session | null, bundle: SessionBundle, userId: string): void {
  if (stored !== null && stored.userId !== userId) throw sessionForbidden(bundle.session.id, userId)
}

function statsRefused(userId: string): StoreError {
  return new StoreError('SESSION_FORBIDDEN', `stats count every user's records, so the scope of user ${quote(userId)} does not give them; call stats() on the PraisonAIDB`)
}

/**
 * The async store as the scope of `userId` sees it. A read of a session first reads the
 * session: another user's (or nobody's) rejects with `SESSION_FORBIDDEN`, an absent one reads
 * as empty. Listings, searches, prunes and traces by user are the user's only.
 */
function scopedStore(s: Store, userId: string): Store {
  const own = async (id: string): Promise<boolean> => isOwn(await s.getSession(id), id, userId)
  return {
    write: (ops) => s.write(ops),
    getSession: async (id) => { const session = await s.getSession(id); return isOwn(session, id, userId) ? session : null },
    listSessions: (q) => s.listSessions(listingOf(q, userId)),
    getMessages: async (id, q) => ((await own(id)) ? s.getMessages(id, q) : []),
    getToolCalls: async (id, q) => ((await own(id)) ? s.getToolCalls(id, q) : []),
    getTimeline: async (id, q) => ((await own(id)) ? s.getTimeline(id, q) : []),
    getAgentStates: async (id) => ((await own(id)) ? s.getAgentStates(id) : []),
    getSessionKey: async (id, key) => ((await own(id)) ? s.getSessionKey(id, key) : null),
    getSessionKeys: async (id) => ((await own(id)) ? s.getSessionKeys(id) : []),
    getRuns: async (id, q) => ((await own(id)) ? s.getRuns(id, q) : []),
    getTraces: async (q) => (q.sessionId !== undefined && !(await own(q.sessionId)) ? [] : s.getTraces(tracesOf(q, userId))),
    deleteSession: async (id) => ((await own(id)) ? s.deleteSession(id) : false),
    searchMessages: async (q) => (q.sessionId !== undefined && !(await own(q.sessionId)) ? [] : s.searchMessages(searchOf(q, userId))),
    pruneSessions: (b) => s.pruneSessions(pruneOf(b, userId)),
    importSession: async (bundle) => {
      const scoped = bundleOf(bundle, userId)
      checkImportTarget(await s.getSession(scoped.session.id), scoped, userId)
      return s.importSession(scoped)
    },
    stats: () => Promise.reject(statsRefused(userId)),
    info: () => s.info(),
    close: () => s.close(),
  }
}

/** `scopedStore` for the synchronous surface. */
function scopedSyncStore(s: SyncStore, userId: string): SyncStore {
  const own = (id: string): boolean => isOwn(s.getSession(id), id, userId)
  return {
    write: (ops) => s.write(ops),
    getSession: (id) => { const session = s.getSession(id); return isOwn(session, id, userId) ? session : null },
    listSessions: (q) => s.listSessions(listingOf(q, userId)),
    getMessages: (id, q) => (own(id) ? s.getMessages(id, q) : []),
    getToolCalls: (id, q) => (own(id) ? s.getToolCalls(id, q) : []),
    getTimeline: (id, q) => (own(id) ? s.getTimeline(id, q) : []),
    getAgentStates: (id) => (own(id) ? s.getAgentStates(id) : []),
    getSessionKey: (id, key) => (own(id) ? s.getSessionKey(id, key) : null),
    getSessionKeys: (id) => (own(id) ? s.getSessionKeys(id) : []),
    getRuns: (id, q) => (own(id) ? s.getRuns(id, q) : []),
    getTraces: (q) => (q.sessionId !== undefined && !own(q.sessionId) ? [] : s.getTraces(tracesOf(q, userId))),
    deleteSession: (id) => (own(id) ? s.deleteSession(id) : false),
    searchMessages: (q) => (q.sessionId !== undefined && !own(q.sessionId) ? [] : s.searchMessages(searchOf(q, userId))),
    pruneSessions: (b) => s.pruneSessions(pruneOf(b, userId)),
    importSession: (bundle) => {
      const scoped = bundleOf(bundle, userId)
      checkImportTarget(s.getSession(scoped.session.id), scoped, userId)
      return s.importSession(scoped)
    },
    stats: () => { throw statsRefused(userId) },
    info: () => s.info(),
    close: () => s.close(),
  }
}

function lifecycleRefused(): ConfigError {
  return new ConfigError('CAPABILITY_MISSING', 'a user scope shares the stores of its PraisonAIDB and does not close them; close the PraisonAIDB')
}

/**
 * `PraisonAIDB`'s access to its runtime through the scope of one user: writes carry the
 * user as the session's owner (checked by the store inside the write's transaction), reads
 * see the user's sessions only. The lifecycle stays with the `PraisonAIDB`: `flush()` waits
 * for its writes, `aclose()`/`close()` are refused.
 */
export class UserScopeAccess implements SessionAccess {
  readonly userId: string
  readonly #runtime: SessionAccess

  constructor(runtime: SessionAccess, userId: string) {
    this.#runtime = runtime
    this.userId = userId
  }

  write(op: WriteOp): Promise<void> {
    return this.#runtime.write(scopedOp(op, this.userId))
  }

  writeForResult(op: WriteOp): Promise<number> {
    return this.#runtime.writeForResult(scopedOp(op, this.userId))
  }

  writeThenRead<T>(op: WriteOp, read: (store: Store) => Promise<T>): Promise<T> {
    return this.#runtime.writeThenRead(scopedOp(op, this.userId), (s) => read(scopedStore(s, this.userId)))
  }

  read<T>(read: (store: Store) => Promise<T>, afterWrites?: boolean): Promise<T> {
    return this.#runtime.read((s) => read(scopedStore(s, this.userId)), afterWrites)
  }

  writeSync(op: WriteOp): number {
    return this.#runtime.writeSync(scopedOp(op, this.userId))
  }

  readSync<T>(read: (store: SyncStore) => T, afterWrites?: boolean): T {
    return this.#runtime.readSync((s) => read(scopedSyncStore(s, this.userId)), afterWrites)
  }

  flush(): Promise<void> {
    return this.#runtime.flush()
  }

  spoolStatus(): SpoolStatus | null {
    return this.#runtime.spoolStatus()
  }

  aclose(): Promise<void> {
    return Promise.reject(lifecycleRefused())
  }

  close(): void {
    throw lifecycleRefused()
  }
}
