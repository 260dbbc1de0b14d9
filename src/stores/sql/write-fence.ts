/** A write the fence tracks: the sessions it writes, and a promise that settles with it. */
interface Running {
  readonly sessions: ReadonlySet<string>
  readonly settled: Promise<void>
}

function shares(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const id of small) if (large.has(id)) return true
  return false
}

/**
 * The writes of one store whose statements may still run on the server after their caller
 * stopped waiting: the core bounds each attempt on a network store by the deadline, and an
 * attempt that times out leaves its statement queued or running there (a paused server runs it
 * when it wakes up). Group commit never has two batches of one session in flight, so a write
 * that starts while an earlier write of one of its sessions still runs is a write after a
 * timed-out one (its retry, or the session's next batch): before it starts, `before` ends the
 * server sessions of those earlier writes (their statement rolls back unless it has committed)
 * and waits until each has settled. So a write the caller saw rejected either committed before
 * every later write of its sessions or never does, and a session's seqs keep its call order
 * (RELIABILITY.md, defect 6). Writes of other sessions run beside it (`Backend.writesInFlight`).
 * `Id` is the engine's session id (a PostgreSQL backend pid, a MySQL connection id).
 */
export class WriteFence<Id> {
  readonly #running = new Map<Id, Running>()

  /** `write` of `sessions`, running on server session `id`, counted as running until it settles. */
  track<T>(id: Id, sessions: ReadonlySet<string>, write: Promise<T>): Promise<T> {
    const settled = write.then(() => undefined, () => undefined)
    const running = { sessions, settled }
    this.#running.set(id, running)
    void settled.then(() => { if (this.#running.get(id) === running) this.#running.delete(id) })
    return write
  }

  /** Whether a tracked write is still running. */
  get busy(): boolean {
    return this.#running.size > 0
  }

  /**
   * Before a write of `sessions`: ends the server sessions of the running writes that share a
   * session with it (`end(ids)`) and waits for them to settle. Ending only hastens it: if `end`
   * fails (the server does not answer, or will not let this user end them), the wait still
   * holds the write back until they have settled; the core bounds that wait like any attempt.
   */
  async before(sessions: ReadonlySet<string>, end: (ids: readonly Id[]) => Promise<unknown>): Promise<void> {
    if (this.#running.size === 0) return
    const ids: Id[] = []
    const settled: Promise<void>[] = []
    for (const [id, running] of this.#running) {
      if (!shares(running.sessions, sessions)) continue
      ids.push(id)
      settled.push(running.settled)
    }
    if (ids.length === 0) return
    await end(ids).catch(() => undefined)
    await Promise.all(settled)
  }
}
