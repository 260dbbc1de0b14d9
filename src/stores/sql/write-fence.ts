/**
 * The writes of one store whose statements may still run on the server after their caller
 * stopped waiting: the core bounds each attempt on a network store by the deadline, and an
 * attempt that times out leaves its statement queued or running there (a paused server runs it
 * when it wakes up). Group commit sends one batch at a time, so a write that starts while an
 * earlier one still runs is a write after a timed-out one: before it starts, `before` ends the
 * server sessions of the earlier writes (their statement rolls back unless it has committed)
 * and waits until each has settled. So a write the caller saw rejected either committed before
 * every later write of the store or never does, and a session's seqs keep its call order
 * (RELIABILITY.md, defect 6). `Id` is the engine's session id (a PostgreSQL backend pid, a
 * MySQL connection id).
 */
export class WriteFence<Id> {
  readonly #running = new Map<Id, Promise<void>>()

  /** `write`, running on server session `id`, counted as running until it settles. */
  track<T>(id: Id, write: Promise<T>): Promise<T> {
    const settled = write.then(() => undefined, () => undefined)
    this.#running.set(id, settled)
    void settled.then(() => { if (this.#running.get(id) === settled) this.#running.delete(id) })
    return write
  }

  /** Whether a tracked write is still running. */
  get busy(): boolean {
    return this.#running.size > 0
  }

  /**
   * Before a write: ends the sessions of the writes still running with `end(ids)` and waits for
   * them to settle. Ending only hastens it: if `end` fails (the server does not answer, or will
   * not let this user end them), the wait still holds the write back until they have settled;
   * the core bounds that wait like any attempt.
   */
  async before(end: (ids: readonly Id[]) => Promise<unknown>): Promise<void> {
    if (this.#running.size === 0) return
    const settled = [...this.#running.values()]
    await end([...this.#running.keys()]).catch(() => undefined)
    await Promise.all(settled)
  }
}
