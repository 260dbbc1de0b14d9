import { hostname } from 'node:os'
import { resolve } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { AgentDBError, ConfigError, StoreUnavailableError } from '../../core/errors.js'
import { now } from '../../core/ids.js'
import type { SpoolEntry, SpoolFile, SpoolStatus } from '../../core/spool/spool-file.js'
import { loadDriver } from './driver.js'

/** How long a spool statement waits for another process's transaction on the file. */
const BUSY_TIMEOUT_MS = 5000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spooled (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target TEXT NOT NULL,
  session_id TEXT NOT NULL,
  spooled_at TEXT NOT NULL,
  op TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spooled_by_target ON spooled (target, id);
CREATE TABLE IF NOT EXISTS failed (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  session_id TEXT NOT NULL,
  op TEXT NOT NULL,
  error TEXT NOT NULL,
  failed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
  target TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  token TEXT NOT NULL,
  claimed_at TEXT NOT NULL
);`

interface ClaimRow {
  readonly pid: number
  readonly host: string
  readonly token: string
}

/** Whether process `pid` of this host is running (EPERM: it is, but not ours to signal). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A claim this process may not take: another holder, alive, or on another host (whose processes we cannot see). */
function heldByOther(row: ClaimRow | undefined, token: string): boolean {
  if (row === undefined || row.token === token) return false
  return row.host !== hostname() || isRunning(row.pid)
}

/**
 * The spool on a SQLite file (better-sqlite3, on the calling thread): WAL and
 * `synchronous=FULL`, so an append is on disk, power loss included, when it returns. The
 * spool only sees writes during an outage; each append is one short transaction.
 */
class SqliteSpoolFile implements SpoolFile {
  readonly path: string
  readonly #target: string
  readonly #db: BetterSqlite3.Database
  readonly #insert: BetterSqlite3.Statement<unknown[]>
  readonly #head: BetterSqlite3.Statement<unknown[]>
  readonly #lastId: BetterSqlite3.Statement<unknown[]>
  readonly #remove: BetterSqlite3.Statement<unknown[]>
  readonly #fail: BetterSqlite3.Statement<unknown[]>
  readonly #pending: BetterSqlite3.Statement<unknown[]>
  readonly #failed: BetterSqlite3.Statement<unknown[]>
  readonly #readClaim: BetterSqlite3.Statement<unknown[]>
  readonly #writeClaim: BetterSqlite3.Statement<unknown[]>
  readonly #release: BetterSqlite3.Statement<unknown[]>

  constructor(path: string, target: string) {
    this.path = resolve(path)
    this.#target = target
    const Driver = loadDriver()
    try {
      this.#db = new Driver(this.path, { timeout: BUSY_TIMEOUT_MS })
    } catch (error) {
      throw new ConfigError('SPOOL_INVALID', `spool file ${this.path} cannot be opened (does its directory exist and is it writable?)`, { cause: error })
    }
    try {
      this.#db.pragma('journal_mode = WAL')
      this.#db.pragma('synchronous = FULL')
      this.#db.exec(SCHEMA)
      this.#insert = this.#db.prepare('INSERT INTO spooled (target, session_id, spooled_at, op) VALUES (?, ?, ?, ?)')
      this.#head = this.#db.prepare('SELECT id, session_id, op FROM spooled WHERE target = ? ORDER BY id LIMIT ?')
      this.#lastId = this.#db.prepare('SELECT coalesce(max(id), 0) AS id FROM spooled WHERE target = ?')
      this.#remove = this.#db.prepare('DELETE FROM spooled WHERE target = ? AND id <= ?')
      this.#fail = this.#db.prepare('INSERT INTO failed (id, target, session_id, op, error, failed_at) VALUES (?, ?, ?, ?, ?, ?)')
      this.#pending = this.#db.prepare('SELECT count(*) AS pending, min(spooled_at) AS oldest FROM spooled WHERE target = ?')
      this.#failed = this.#db.prepare('SELECT count(*) AS failed FROM failed WHERE target = ?')
      this.#readClaim = this.#db.prepare('SELECT pid, host, token FROM claims WHERE target = ?')
      this.#writeClaim = this.#db.prepare('INSERT INTO claims (target, pid, host, token, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (target) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token, claimed_at = excluded.claimed_at')
      this.#release = this.#db.prepare('DELETE FROM claims WHERE target = ? AND token = ?')
    } catch (error) {
      this.#db.close()
      throw this.#error(error, 'cannot be set up')
    }
  }

  /** A failure of the spool file: a write that reaches it is not acknowledged. */
  #error(error: unknown, what: string): Error {
    if (error instanceof AgentDBError) return error
    const code = (error as { code?: unknown }).code
    return new StoreUnavailableError('SPOOL_FAILED', `spool file ${this.path} ${what} (${typeof code === 'string' ? code : 'error'})`, { cause: error })
  }

  #run<T>(what: string, work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw this.#error(error, what)
    }
  }

  append(entries: readonly { readonly sessionId: string; readonly op: string }[]): void {
    const at = now()
    this.#run('could not take the writes', () => this.#db.transaction(() => {
      for (const entry of entries) this.#insert.run(this.#target, entry.sessionId, at, entry.op)
    }).immediate())
  }

  head(limit: number): readonly SpoolEntry[] {
    const rows = this.#run('could not be read', () => this.#head.all(this.#target, limit) as { id: number; session_id: string; op: string }[])
    return rows.map((row) => ({ id: row.id, sessionId: row.session_id, op: row.op }))
  }

  lastId(): number {
    return this.#run('could not be read', () => (this.#lastId.get(this.#target) as { id: number }).id)
  }

  remove(throughId: number): void {
    this.#run('could not drop replayed writes', () => this.#remove.run(this.#target, throughId))
  }

  fail(entry: SpoolEntry, message: string): void {
    this.#run('could not set a refused write aside', () => this.#db.transaction(() => {
      this.#fail.run(entry.id, this.#target, entry.sessionId, entry.op, message, now())
      this.#remove.run(this.#target, entry.id)
    }).immediate())
  }

  status(): SpoolStatus {
    return this.#run('could not be read', () => {
      const { pending, oldest } = this.#pending.get(this.#target) as { pending: number; oldest: string | null }
      const { failed } = this.#failed.get(this.#target) as { failed: number }
      return { pending, oldestAt: oldest, failed, path: this.path }
    })
  }

  claim(token: string): boolean {
    return this.#run('could not be claimed', () => this.#db.transaction(() => {
      if (heldByOther(this.#readClaim.get(this.#target) as ClaimRow | undefined, token)) return false
      this.#writeClaim.run(this.#target, process.pid, hostname(), token, now())
      return true
    }).immediate())
  }

  release(token: string): void {
    this.#run('could not be released', () => this.#release.run(this.#target, token))
  }

  close(): void {
    this.#db.close()
  }
}

/**
 * Opens the spool at `path` (created if absent) for the store described by `target`.
 * @throws ConfigError `SPOOL_INVALID` when the file cannot be opened or created.
 * @throws ConfigError `DRIVER_MISSING` without better-sqlite3.
 */
export function openSqliteSpool(path: string, target: string): SpoolFile {
  return new SqliteSpoolFile(path, target)
}
