// Helpers that reach a SQLite file through a better-sqlite3 connection of the test's own.
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import type BetterSqlite3 from 'better-sqlite3'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

/** The write lock of a SQLite file, held by a connection of the test's own. */
export interface WriteLock {
  /** Ends the transaction and closes the connection; idempotent. */
  release(): void
}

/**
 * Opens a second connection to `path` and takes its write lock with `BEGIN IMMEDIATE`: every
 * other writer waits (or fails with SQLITE_BUSY) until `release()`; readers still read (WAL).
 */
export function holdWriteLock(path: string): WriteLock {
  const db = new Database(path)
  db.exec('BEGIN IMMEDIATE')
  return {
    release() {
      if (!db.open) return
      db.exec('ROLLBACK')
      db.close()
    },
  }
}

/** Messages of `sessionId` committed to the file, as a separate read-only connection sees them. */
export function countMessages(path: string, sessionId: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ?').get(sessionId) as { n: number }).n
  } finally {
    db.close()
  }
}

/** Makes the file refuse (RAISE(ABORT)) every message whose content is 'poison', as a database refusing a write would. */
export function addPoisonTrigger(path: string): void {
  const db = new Database(path)
  try {
    db.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END")
  } finally {
    db.close()
  }
}

/** Whether `promise` has settled `ms` after the call; does not consume its rejection for later awaits. */
export function stateAfter(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  const state = promise.then(() => 'resolved' as const, () => 'rejected' as const)
  return Promise.race([state, sleep(ms, 'pending' as const)])
}
