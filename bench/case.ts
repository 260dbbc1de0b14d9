/**
 * What a row of the throughput table is, for the ratios: the library, a raw baseline (the
 * ceiling at 500 rows per batch, the naive loop), a raw batch the size of the concurrency
 * (`reference`: what one group commit can hold, not used as a baseline), or a peer.
 */
export type Role = 'agentdb' | 'ceiling' | 'naive' | 'reference' | 'peer'

/** A prepared run: `run()` is timed, `close()` drops what `prepare()` made. */
export interface Prepared {
  run(): Promise<void>
  close(): Promise<void>
}

/**
 * One row of the throughput table. `prepare()` makes a fresh file, schema, database or key
 * prefix and opens connections (not timed); `run()` writes `messages` messages.
 */
export interface ThroughputCase {
  /** Unique, stable key for results.json, e.g. `sqlite-full/agentdb/concurrent`. */
  readonly key: string
  /** Backend key, for `--only` and grouping: `sqlite-full`, `postgres`, `mastra-pg`… */
  readonly backend: string
  /** What writes: `agentdb aonUserMessage`, `raw multi-row INSERT ×500`, … */
  readonly label: string
  readonly role: Role
  /** Whose raw ceiling and naive loop the ratios use, when not `backend`'s own (Mastra's rows use the engine's). */
  readonly baseline?: string
  /** `concurrent`, `sequential`, `batch 500`, `naive loop`, `per-session batch`. */
  readonly shape: string
  readonly messages: number
  prepare(): Promise<Prepared>
}

/** A backend that could not be benchmarked, and why. */
export interface Skipped {
  readonly backend: string
  readonly reason: string
}
