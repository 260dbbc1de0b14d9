import type { Dialect } from '../sql/dialect.js'
import type { SqlPlan } from '../sql/plans.js'

/**
 * Indexes up to `limit` pending messages (all of them when null), oldest first, and takes them
 * off the pending list; run in one write transaction, so two connections never index a row
 * twice. Resolves to how many it indexed. A row of the list always has its message: deleting
 * a message takes its rowid off the list (migration 4's trigger).
 */
export function* indexPendingPlan(d: Dialect, limit: number | null): SqlPlan<number> {
  const pending = d.table('messages_search_pending')
  const window = limit === null ? '' : ` LIMIT ${Math.max(1, Math.floor(limit))}`
  const chosen = `SELECT message_rowid FROM ${pending} ORDER BY message_rowid${window}`
  const { changes } = yield {
    sql: `INSERT INTO ${d.table('messages_search')} (rowid, content)
      SELECT m.rowid, m.content FROM ${d.table('messages')} m WHERE m.rowid IN (${chosen})`,
    params: [],
  }
  yield { sql: `DELETE FROM ${pending} WHERE message_rowid IN (${chosen})`, params: [] }
  return changes
}
