/** What `spoolStatus()` reports: the writes of this target waiting in the spool, and since when. */
export interface SpoolStatus {
  /** Writes spooled and not yet replayed to the store. */
  readonly pending: number
  /** When the oldest of them was spooled (ISO-8601 UTC), or null when none waits. */
  readonly oldestAt: string | null
  /** Writes the store refused on replay (kept in the spool's `failed` table, reported by `flush()`/`aclose()`). */
  readonly failed: number
  /** The spool file. */
  readonly path: string
}

/** One spooled write: its place in the spool's order and the op as `encodeSpooled` wrote it. */
export interface SpoolEntry {
  readonly id: number
  readonly sessionId: string
  readonly op: string
}

/**
 * A spool file as core uses it: an ordered, durable log of writes per target. Every method is
 * synchronous and each change is committed (and synced) when it returns. Rows are kept per
 * target (the store's redacted description), so one file may serve several targets without
 * replaying one's writes to another. Implemented by a store module (`openSpoolFile` in `stores/registry.ts`).
 */
export interface SpoolFile {
  readonly path: string
  /** Appends writes at the end of the target's log, all or none. */
  append(entries: readonly { readonly sessionId: string; readonly op: string }[]): void
  /** The first `limit` entries of the target's log, in order. */
  head(limit: number): readonly SpoolEntry[]
  /** The id of the last entry of the target's log (0 when it holds none): what a drain waits for. */
  lastId(): number
  /** Removes the target's entries up to and including `id`. */
  remove(throughId: number): void
  /** Moves one entry the store refused to the `failed` table, with the error's message. */
  fail(entry: SpoolEntry, message: string): void
  status(): SpoolStatus
  /**
   * Claims the right to replay the target's log for `token`: true if it was free, held by
   * `token` already, or held by a process of this host that is gone. One claimant at a time.
   */
  claim(token: string): boolean
  /** Gives up the claim of `token`, if it holds it. */
  release(token: string): void
  close(): void
}

/** Opens (creating if absent) the spool file at `path` for the store described by `target`. */
export type SpoolOpener = (path: string, target: string) => SpoolFile

/** The `spool` option of a store across a network (`Backend.network`). */
export interface SpoolOptions {
  /**
   * A local file (created if absent) that takes the writes the store could not take
   * within `retryDeadlineMs`, so that their hooks resolve; they are replayed to the store, in
   * order and once each, as soon as it answers, and by `flush()`/`aclose()`. See
   * docs/reliability.md, "Spool".
   */
  readonly spool?: string
}
