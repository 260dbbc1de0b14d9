import type { Dialect } from '../sql/dialect.js'
import type { SqlPlan } from '../sql/plans.js'
import { SEARCH_VECTOR } from './dialect.js'

/**
 * Indexes up to `limit` pending messages (all when null) in one statement: takes them off the
 * pending list and stores their words. The message rows are locked `FOR KEY SHARE` first, so a
 * message deleted meanwhile is skipped rather than failing the words' foreign key.
 * `skipLocked` (the idle indexer): leave rows another connection is indexing to it. A search's
 * catch-up waits for them instead, so it sees every message whose write has resolved.
 * Resolves to how many pending rows it took.
 */
export function* indexPendingPlan(d: Dialect, limit: number | null, skipLocked: boolean): SqlPlan<number> {
  const pending = d.table('messages_search_pending')
  const window = limit === null ? '' : ` LIMIT ${Math.max(1, Math.floor(limit))}`
  const { rows } = yield {
    sql: `WITH taken AS (
        DELETE FROM ${pending} WHERE message_id IN (
          SELECT message_id FROM ${pending} ORDER BY message_id${window} FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''})
        RETURNING message_id
      ), indexed AS (
        INSERT INTO ${d.table('messages_search_words')} (message_id, words)
        SELECT m.id, ${SEARCH_VECTOR('m.content')} FROM ${d.table('messages')} m JOIN taken t ON t.message_id = m.id FOR KEY SHARE OF m
        ON CONFLICT (message_id) DO UPDATE SET words = EXCLUDED.words
      )
      SELECT count(*) AS n FROM taken`,
    params: [],
  }
  return Number(rows[0]?.['n'] ?? 0)
}
