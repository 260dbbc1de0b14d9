import type { Dialect } from '../sql/dialect.js'
import type { SqlPlan } from '../sql/plans.js'
import { placeholders } from '../sql/statements.js'

/** Most pending messages one round takes (the id list is bound as parameters). */
const ROUND = 5000

/**
 * Indexes up to `limit` pending messages (all when null), in rounds, in the plan's
 * transaction: locks pending rows, copies their messages' content to the words table, and
 * takes them off the list. `skipLocked` (the idle indexer): leave rows another connection
 * is indexing to it; a search's catch-up waits for them instead, so it sees every message
 * whose write has resolved. Resolves to how many pending rows it took.
 */
export function* indexPendingPlan(d: Dialect, limit: number | null, skipLocked: boolean): SqlPlan<number> {
  const pending = d.table('messages_search_pending')
  let taken = 0
  while (limit === null || taken < limit) {
    const round = Math.max(1, Math.min(ROUND, limit === null ? ROUND : limit - taken))
    const { rows } = yield {
      sql: `SELECT message_id FROM ${pending} ORDER BY message_id LIMIT ${round} FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
      params: [],
    }
    if (rows.length === 0) break
    const ids = rows.map((row) => row['message_id'])
    yield {
      sql: `INSERT INTO ${d.table('messages_search_words')} (message_id, content)
        SELECT id, content FROM ${d.table('messages')} WHERE id IN (${placeholders(d, ids.length)})
        ON DUPLICATE KEY UPDATE content = VALUES(content)`,
      params: ids,
    }
    yield { sql: `DELETE FROM ${pending} WHERE message_id IN (${placeholders(d, ids.length)})`, params: ids }
    taken += ids.length
    if (ids.length < round) break
  }
  return taken
}
