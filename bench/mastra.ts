import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Prepared, ThroughputCase } from './case.js'
import { sessionKey } from './raw/rows.js'
import { PG_ADMIN_URL, dropPgSchema, freshSqlitePath, removeSqlite, uniqueName } from './targets.js'
import { runConcurrent, total, workMessage, type Shape } from './workload.js'

/** bench/peers (this file runs from build/bench/). */
const PEERS_DIR = fileURLToPath(new URL('../../bench/peers/', import.meta.url))

/** The subset of Mastra's storage API the benchmark calls (from its d.ts: `@mastra/core/dist/memory/types.d.ts`, `storage/domains/memory`). */
interface MastraThread {
  readonly id: string
  readonly resourceId: string
  readonly title: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly metadata: Record<string, unknown>
}

/** `MastraDBMessage`: content in Mastra's format 2 (UI message parts). */
interface MastraMessage {
  readonly id: string
  readonly threadId: string
  readonly resourceId: string
  readonly role: 'user'
  readonly createdAt: Date
  readonly type: 'v2'
  readonly content: { readonly format: 2; readonly parts: readonly { readonly type: 'text'; readonly text: string }[]; readonly metadata: Record<string, unknown> }
}

interface MastraMemoryDomain {
  saveThread(args: { thread: MastraThread }): Promise<unknown>
  saveMessages(args: { messages: MastraMessage[] }): Promise<unknown>
}

interface MastraStorage {
  init(): Promise<void>
  getStore(domain: 'memory'): Promise<MastraMemoryDomain | undefined>
  close(): Promise<void>
}

type StorageClass<Config> = new (config: Config) => MastraStorage

/** The two Mastra stores, loaded from bench/peers/node_modules. */
export interface Mastra {
  readonly LibSQLStore: StorageClass<{ id: string; url: string }>
  readonly PostgresStore: StorageClass<{ id: string; connectionString: string; schemaName: string }>
  readonly versions: Readonly<Record<string, string>>
}

function packageDir(name: string): string {
  return `${PEERS_DIR}node_modules/${name}/`
}

function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(`${packageDir(name)}package.json`, 'utf8')) as { version?: unknown }
  return String(manifest.version)
}

/** Installs bench/peers from its lockfile when its node_modules is missing; resolves to why it failed, or null. */
export function ensurePeers(): string | null {
  if (existsSync(packageDir('@mastra/libsql')) && existsSync(packageDir('@mastra/pg'))) return null
  console.error(`installing Mastra into ${PEERS_DIR} (npm ci, once)…`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.error) return `npm ci --prefix bench/peers failed: ${result.error.message}`
  if (result.status !== 0) return `npm ci --prefix bench/peers exited with ${result.status ?? result.signal}`
  return null
}

async function importExport(name: string, exportName: string): Promise<unknown> {
  const module = await import(pathToFileURL(`${packageDir(name)}dist/index.js`).href) as Record<string, unknown>
  const value = module[exportName]
  if (typeof value !== 'function') throw new Error(`${name} has no export ${exportName}`)
  return value
}

/** Loads Mastra's LibSQLStore and PostgresStore. @throws Error when they cannot be imported. */
export async function loadMastra(): Promise<Mastra> {
  return {
    LibSQLStore: await importExport('@mastra/libsql', 'LibSQLStore') as Mastra['LibSQLStore'],
    PostgresStore: await importExport('@mastra/pg', 'PostgresStore') as Mastra['PostgresStore'],
    versions: Object.fromEntries(['@mastra/core', '@mastra/libsql', '@mastra/pg'].map((n) => [n, installedVersion(n)])),
  }
}

export type MastraBackend = 'mastra-libsql' | 'mastra-pg'

interface OpenMastra {
  readonly memory: MastraMemoryDomain
  readonly threadIds: readonly string[]
  close(): Promise<void>
}

/** A fresh Mastra store with its tables and the threads of `sessions` sessions (not timed). */
async function openMastra(mastra: Mastra, backend: MastraBackend, sessions: number): Promise<OpenMastra> {
  let store: MastraStorage
  let cleanup: () => Promise<void>
  if (backend === 'mastra-libsql') {
    const path = freshSqlitePath('mastra_libsql')
    store = new mastra.LibSQLStore({ id: 'bench', url: `file:${path}` })
    cleanup = () => Promise.resolve(removeSqlite(path))
  } else {
    const schema = uniqueName('mastra_pg')
    store = new mastra.PostgresStore({ id: 'bench', connectionString: PG_ADMIN_URL, schemaName: schema })
    cleanup = () => dropPgSchema(schema)
  }
  const close = async (): Promise<void> => { try { await store.close() } finally { await cleanup() } }
  try {
    await store.init()
    const memory = await store.getStore('memory')
    if (memory === undefined) throw new Error(`${backend} has no memory domain`)
    const threadIds = Array.from({ length: sessions }, (_, s) => `${sessionKey(s)}-${randomUUID()}`)
    const at = new Date()
    await Promise.all(threadIds.map((id) => memory.saveThread({ thread: { id, resourceId: 'bench-user', title: id, createdAt: at, updatedAt: at, metadata: {} } })))
    return { memory, threadIds, close }
  } catch (error) {
    await close().catch(() => undefined)
    throw error
  }
}

function mastraMessage(threadId: string, s: number, m: number): MastraMessage {
  const message = workMessage(s, m)
  return {
    id: randomUUID(), threadId, resourceId: 'bench-user', role: 'user', createdAt: new Date(), type: 'v2',
    content: { format: 2, parts: [{ type: 'text', text: message.content }], metadata: { ...message.metadata } },
  }
}

const LABELS: Readonly<Record<MastraBackend, string>> = { 'mastra-libsql': '@mastra/libsql', 'mastra-pg': '@mastra/pg' }
/** The raw baselines Mastra's rows are compared with: libSQL runs WAL with synchronous=NORMAL. */
const BASELINES: Readonly<Record<MastraBackend, string>> = { 'mastra-libsql': 'sqlite-normal', 'mastra-pg': 'postgres' }

/**
 * Mastra's `saveMessages`: (i) per-message appends, every session awaiting its own
 * `saveMessages({ messages: [one] })`, all sessions at once; (ii) one call per session
 * with all its messages, all sessions at once.
 */
export function mastraCases(mastra: Mastra, backend: MastraBackend, shape: Shape): ThroughputCase[] {
  const perMessage: ThroughputCase = {
    key: `${backend}/per-message/concurrent`, backend, label: `${LABELS[backend]} saveMessages([one])`, role: 'peer', baseline: BASELINES[backend],
    shape: 'concurrent', messages: total(shape),
    prepare: async () => {
      const open = await openMastra(mastra, backend, shape.sessions)
      const prepared: Prepared = {
        run: () => runConcurrent(shape, (s, m) => open.memory.saveMessages({ messages: [mastraMessage(open.threadIds[s]!, s, m)] })),
        close: open.close,
      }
      return prepared
    },
  }
  const perSession: ThroughputCase = {
    key: `${backend}/per-session/batch`, backend, label: `${LABELS[backend]} saveMessages(all M)`, role: 'peer', baseline: BASELINES[backend],
    shape: 'per-session batch', messages: total(shape),
    prepare: async () => {
      const open = await openMastra(mastra, backend, shape.sessions)
      const prepared: Prepared = {
        run: async () => {
          await Promise.all(open.threadIds.map((threadId, s) => open.memory.saveMessages({
            messages: Array.from({ length: shape.messages }, (_, m) => mastraMessage(threadId, s, m)),
          })))
        },
        close: open.close,
      }
      return prepared
    },
  }
  return [perMessage, perSession]
}
