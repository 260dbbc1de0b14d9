import type { Dialect } from '../sql/dialect.js'
import type { SqlPlan } from '../sql/plans.js'

/** Most pending messages one round copies. */
const ROUND = 5000

/**
 * Indexes up to `limit` pending messages (all when null), in rounds of two statements that
 * each commit on their own: copy the pending messages' content to the words table, then take
 * off the list every pending message whose words are stored. No lock outlives its statement,
 * so a connection of this process blocked in the middle of the plan (the sync surface holds
 * the event loop) never leaves a lock a write of the same process would wait for. Two
 * connections indexing at once copy a message twice at worst (the copy is an upsert); a
 * message deleted meanwhile loses its words and pending row by the delete trigger, and one
 * deleted and written again under its id is pending again without words, so it is copied in
 * a later round. Resolves to how many pending rows it took off.
 */
export function* indexPendingPlan(d: Dialect, limit: number | null): SqlPlan<number> {
  const pending = d.table('messages_search_pending')
  const words = d.table('messages_search_words')
  let taken = 0
  while (limit === null || taken < limit) {
    const round = Math.max(1, Math.min(ROUND, limit === null ? ROUND : limit - taken))
    const copied = yield {
      sql: `INSERT INTO ${words} (message_id, content)
        SELECT m.id, m.content FROM (SELECT message_id FROM ${pending} ORDER BY message_id LIMIT ${round}) p
        JOIN ${d.table('messages')} m ON m.id = p.message_id
        ON DUPLICATE KEY UPDATE content = VALUES(content)`,
      params: [],
    }
    const removed = yield {
      sql: `DELETE p FROM ${pending} p JOIN ${words} w ON w.message_id = p.message_id`,
      params: [],
    }
    taken += removed.changes
    if (copied.changes === 0 && removed.changes === 0) break
    if (removed.changes < round) break
  }
  return taken
}
