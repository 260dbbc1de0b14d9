import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** The servers on 127.0.0.1 the benchmark writes to. */
export const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test'
export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const
export const REDIS = { host: '127.0.0.1', port: 6379, db: 0 } as const

let counter = 0

/** Drops a PostgreSQL schema the bench made (names come from `uniqueName`). */
export async function dropPgSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL })
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

/** A name no other case of this process (or a concurrent run) uses: `bench_<pid>_<n>`. */
export function uniqueName(kind: string): string {
  counter++
  return `bench_${kind}_${process.pid}_${counter}`
}

let scratch: string | undefined

/** The run's scratch directory for SQLite files, removed by `removeScratch()`. */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'agentdb-bench-'))
  return scratch
}

/** A fresh SQLite file path inside the scratch directory. */
export function freshSqlitePath(kind: string): string {
  return join(scratchDir(), `${uniqueName(kind)}.db`)
}

/** Removes a SQLite file with its WAL and shared-memory files. */
export function removeSqlite(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true })
}

export function removeScratch(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
}
