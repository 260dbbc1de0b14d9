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

/**
 * Keeps a SQLite connection's search index caught up while it is idle: each write `touch()`es
 * it, and once `idleMs` passes without one, pending messages are indexed a chunk per timer
 * turn until none are left. So a burst of writes pays no tokenizing, and the index work waits
 * for a pause (as PostgreSQL's GIN pending list does). A search indexes what is still pending
 * first (the store's `beforeSearch`), so its answers are never stale. A step that fails (the
 * file locked past the busy timeout) is left to the next pause or search. The timer never
 * keeps a process alive.
 */
export class IdleIndexer {
  readonly #idleMs: number
  readonly #chunk: number
  readonly #index: (limit: number) => number
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  /** `index(limit)` runs `indexPendingPlan` in a transaction and returns how many it indexed. */
  constructor(options: { readonly idleMs: number; readonly chunk: number; readonly index: (limit: number) => number }) {
    this.#idleMs = options.idleMs
    this.#chunk = options.chunk
    this.#index = options.index
  }

  /** A write happened: index once the connection has been idle for `idleMs`. */
  touch(): void {
    this.#arm(this.#idleMs)
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(delay: number): void {
    if (this.#stopped) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => { this.#step() }, delay)
    this.#timer.unref()
  }

  #step(): void {
    this.#timer = undefined
    let indexed: number
    try {
      indexed = this.#index(this.#chunk)
    } catch {
      return
    }
    if (indexed >= this.#chunk) this.#arm(0)
  }
}
