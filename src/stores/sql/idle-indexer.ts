/**
 * Keeps a store's search index caught up while it is idle: each write `touch()`es
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
  readonly #index: (limit: number) => number | Promise<number>
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  /** `index(limit)` indexes up to `limit` pending messages in a transaction and returns how many it indexed. */
  constructor(options: { readonly idleMs: number; readonly chunk: number; readonly index: (limit: number) => number | Promise<number> }) {
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
    const next = (indexed: number): void => { if (indexed >= this.#chunk) this.#arm(0) }
    try {
      const indexed = this.#index(this.#chunk)
      if (typeof indexed === 'number') next(indexed)
      else indexed.then(next, () => undefined)
    } catch {
      // left to the next pause or search
    }
  }
}
