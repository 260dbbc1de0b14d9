import type { Dialect } from '../sql/dialect.js'
import type { SqlPlan } from '../sql/plans.js'

/**
 * Indexes up to `limit` messages above the high-water mark (all of them when null), in rowid
 * order, and raises the mark past them (migration 6: a message is indexed exactly when its
 * rowid is at most `indexed_to`). Run in one write transaction, so two connections never index
 * a row twice. Resolves to how many it indexed.
 */
export function* indexPendingPlan(d: Dialect, limit: number | null): SqlPlan<number> {
  const state = d.table('messages_search_state')
  const messages = d.table('messages')
  const window = limit === null ? '' : ` LIMIT ${Math.max(1, Math.floor(limit))}`
  const { rows: [range] } = yield {
    sql: `SELECT s.indexed_to AS low, (SELECT MAX(rowid) FROM (SELECT rowid FROM ${messages} WHERE rowid > s.indexed_to ORDER BY rowid${window})) AS high
      FROM ${state} s`,
    params: [],
  }
  const high = range?.['high']
  if (high === null || high === undefined) return 0
  const { changes } = yield {
    sql: `INSERT INTO ${d.table('messages_search')} (rowid, content) SELECT rowid, content FROM ${messages} WHERE rowid > ? AND rowid <= ?`,
    params: [range!['low'], high],
  }
  yield { sql: `UPDATE ${state} SET indexed_to = ?`, params: [high] }
  return changes
}
