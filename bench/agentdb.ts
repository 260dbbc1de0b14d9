import { PraisonAIDB, type PraisonAIDBOptions } from '../src/index.js'
import type { Prepared, ThroughputCase } from './case.js'
import type { HistoryReader } from './history.js'
import { createMySqlDatabase } from './raw/mysql.js'
import { deleteKeys, openRedisRaw } from './raw/redis.js'
import { sessionKey } from './raw/rows.js'
import { PG_ADMIN_URL, dropPgSchema, freshSqlitePath, removeSqlite, uniqueName } from './targets.js'
import { runConcurrent, runSequential, total, workMessage, type Shape } from './workload.js'

/** The backends the library is measured on. */
export type LibraryBackend = 'memory' | 'sqlite-normal' | 'sqlite-full' | 'postgres' | 'mariadb' | 'redis'

export const LIBRARY_BACKENDS: readonly LibraryBackend[] = ['memory', 'sqlite-normal', 'sqlite-full', 'postgres', 'mariadb', 'redis']

/** A fresh place for the library to write: its URL and options, and how to remove it. */
export interface LibraryTarget {
  readonly url: string
  readonly options: PraisonAIDBOptions
  cleanup(): Promise<void>
}

function sqliteTarget(synchronous: 'full' | 'normal', options: PraisonAIDBOptions): LibraryTarget {
  const path = freshSqlitePath(`agentdb_${synchronous}`)
  return { url: `sqlite:///${path}?synchronous=${synchronous}`, options, cleanup: () => Promise.resolve(removeSqlite(path)) }
}

/** A fresh file, schema, database or key prefix for `backend`. */
export async function freshTarget(backend: LibraryBackend, options: PraisonAIDBOptions = {}): Promise<LibraryTarget> {
  switch (backend) {
    case 'memory':
      return { url: 'memory:', options, cleanup: () => Promise.resolve() }
    case 'sqlite-normal':
      return sqliteTarget('normal', options)
    case 'sqlite-full':
      return sqliteTarget('full', options)
    case 'postgres': {
      const schema = uniqueName('agentdb_pg')
      return { url: `${PG_ADMIN_URL}?schema=${schema}`, options, cleanup: () => dropPgSchema(schema) }
    }
    case 'mariadb': {
      const { database, drop } = await createMySqlDatabase('agentdb_mysql')
      return { url: `mysql://root@127.0.0.1:3306/${database}`, options, cleanup: drop }
    }
    case 'redis': {
      const prefix = `${uniqueName('agentdb_redis')}:`
      return {
        url: `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}`, options,
        cleanup: async () => {
          const raw = await openRedisRaw('cleanup')
          try {
            await deleteKeys(raw.client, prefix)
          } finally {
            await raw.close()
          }
        },
      }
    }
  }
}

/** Opens a fresh target and writes, reads and closes once; resolves to why it cannot be benchmarked, or null. */
export async function probeLibrary(backend: LibraryBackend): Promise<string | null> {
  let target: LibraryTarget | undefined
  try {
    target = await freshTarget(backend, { retryDeadlineMs: 2000 })
    const db = new PraisonAIDB(target.url, target.options)
    try {
      await db.aonUserMessage('probe', 'probe')
      const read = await db.getMessages('probe', { limit: 1 })
      if (read.length !== 1) return `wrote one message and read back ${read.length}`
    } finally {
      await db.aclose()
    }
    return null
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  } finally {
    await target?.cleanup().catch(() => undefined)
  }
}

/** An open `PraisonAIDB` on a fresh target, warmed (store, worker and connections open). */
async function openWarm(backend: LibraryBackend, options: PraisonAIDBOptions): Promise<{ db: PraisonAIDB; close(): Promise<void> }> {
  const target = await freshTarget(backend, options)
  const db = new PraisonAIDB(target.url, target.options)
  await Promise.all(Array.from({ length: 8 }, (_, i) => db.aonUserMessage(`warmup-${i}`, 'warm')))
  return { db, close: async () => { try { await db.aclose() } finally { await target.cleanup() } } }
}

const append = (db: PraisonAIDB) => (s: number, m: number): Promise<void> => {
  const message = workMessage(s, m)
  return db.aonUserMessage(sessionKey(s), message.content, message.metadata)
}

/** `aonUserMessage` through the library, all sessions at once or one agent in turn. */
export function libraryCase(backend: LibraryBackend, shapeName: 'concurrent' | 'sequential', shape: Shape, variant?: { readonly key: string; readonly label: string; readonly options: PraisonAIDBOptions }): ThroughputCase {
  const drive = shapeName === 'concurrent' ? runConcurrent : runSequential
  return {
    key: `${backend}/${variant?.key ?? 'agentdb'}/${shapeName}`, backend,
    label: variant?.label ?? 'agentdb aonUserMessage', role: 'agentdb', shape: shapeName, messages: total(shape),
    prepare: async () => {
      const open = await openWarm(backend, variant?.options ?? {})
      const prepared: Prepared = { run: () => drive(shape, append(open.db)), close: open.close }
      return prepared
    },
  }
}

/** `getMessages(id, { limit })` through the library on a session of `messages` messages. */
export async function openLibraryHistory(backend: LibraryBackend, messages: number, limit: number, surface: 'async' | 'sync' = 'async'): Promise<HistoryReader> {
  const open = await openWarm(backend, {})
  const id = sessionKey(0)
  const pushes: Promise<void>[] = []
  for (let m = 0; m < messages; m++) pushes.push(append(open.db)(0, m))
  await Promise.all(pushes)
  const db = open.db
  if (surface === 'sync') {
    return {
      label: 'agentdb getMessagesSync (main thread)',
      read: () => Promise.resolve(db.getMessagesSync(id, { limit }).length),
      close: open.close,
    }
  }
  return { label: 'agentdb getMessages', read: async () => (await db.getMessages(id, { limit })).length, close: open.close }
}
