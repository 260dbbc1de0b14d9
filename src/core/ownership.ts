import { StoreError, quote } from './errors.js'
import type { WriteOp } from './store.js'

// The rule every store applies to a batch holding writes of a user scope (`SessionSeed.owner`),
// written once here (a store that runs its writes as a server-side script keeps a twin of it
// there). A store calls it under the batch's own lock or transaction, with each session's userId
// as it stood before the batch.

/** Whether any write of the batch comes from a user scope: only such batches pay for the check. */
export const hasOwnedWrite = (ops: readonly WriteOp[]): boolean => ops.some((op) => op.session.owner !== undefined)

/** The sessions the batch's scoped writes name, sorted (the order in which SQL stores lock them). */
export function ownedSessionIds(ops: readonly WriteOp[]): string[] {
  const ids = new Set<string>()
  for (const op of ops) if (op.session.owner !== undefined) ids.add(op.session.id)
  return [...ids].sort()
}

/**
 * The first scoped write of the batch that its user may not make, or undefined. The batch is
 * walked in order from how each session stood before it (`storedUserId`: undefined when the
 * session does not exist, else its userId, null for nobody's): a scoped write may create its
 * session or write one that is its user's; a write earlier in the batch may have created the
 * session or filled its null userId, as it will when the batch runs.
 */
export function forbiddenWrite(ops: readonly WriteOp[], storedUserId: (sessionId: string) => string | null | undefined): WriteOp | undefined {
  const owned = new Set(ownedSessionIds(ops))
  const userIds = new Map<string, string | null | undefined>()
  for (const op of ops) {
    const id = op.session.id
    if (!owned.has(id)) continue
    const before = userIds.has(id) ? userIds.get(id) : storedUserId(id)
    const owner = op.session.owner
    if (owner !== undefined && before !== undefined && before !== owner) return op
    userIds.set(id, before ?? op.session.userId)
  }
  return undefined
}

/** `StoreError` `SESSION_FORBIDDEN` for a scoped write (or read) of a session that is not its user's. */
export function sessionForbidden(sessionId: string, userId: string, what: 'write' | 'read' = 'write'): StoreError {
  const tail = what === 'write' ? '; nothing was written' : ''
  return new StoreError('SESSION_FORBIDDEN', `session ${quote(sessionId)} belongs to another user or to none, so user ${quote(userId)} may not ${what} it${tail}`)
}

/** Throws `SESSION_FORBIDDEN` for the batch's first forbidden write, if any. @throws StoreError */
export function checkOwnedWrites(ops: readonly WriteOp[], storedUserId: (sessionId: string) => string | null | undefined): void {
  const op = forbiddenWrite(ops, storedUserId)
  if (op !== undefined) throw sessionForbidden(op.session.id, op.session.owner!)
}
