import type { Session } from './records.js'
import type { PruneBatch } from './store.js'

/** Whether a session meets every condition of a prune (ISO-8601 UTC strings compare as times). */
export function prunes(batch: PruneBatch, session: Session): boolean {
  return (batch.endedBefore === undefined || (session.endedAt !== null && session.endedAt < batch.endedBefore)) &&
    (batch.inactiveSince === undefined || session.updatedAt < batch.inactiveSince) &&
    (batch.userId === undefined || session.userId === batch.userId) &&
    (batch.afterId === null || session.id > batch.afterId)
}

/** The first `limit` of the sessions a prune batch selects, in id order. */
export function pruneSelection(batch: PruneBatch, sessions: Iterable<Session>): Session[] {
  const selected: Session[] = []
  for (const session of sessions) if (prunes(batch, session)) selected.push(session)
  return selected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, batch.limit)
}
