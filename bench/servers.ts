import mysql from 'mysql2/promise'
import pg from 'pg'
import { Redis } from 'ioredis'
import { MYSQL, PG_ADMIN_URL, REDIS } from './targets.js'

const describe = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error))

async function probe(name: string, attempt: () => Promise<void>): Promise<string | null> {
  try {
    await attempt()
    return null
  } catch (error) {
    return `${name} is not reachable: ${describe(error)}`
  }
}

/** Why a backend's server cannot be used, or null when it answers (SQLite and memory need none). */
export function probeServer(backend: string): Promise<string | null> {
  switch (backend) {
    case 'postgres':
    case 'mastra-pg':
      return probe('PostgreSQL at 127.0.0.1:5432', async () => {
        const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 })
        client.on('error', () => undefined)
        await client.connect()
        try { await client.query('SELECT 1') } finally { await client.end() }
      })
    case 'mariadb':
      return probe('MariaDB at 127.0.0.1:3306', async () => {
        const connection = await mysql.createConnection({ ...MYSQL, connectTimeout: 3000 })
        try { await connection.query('SELECT 1') } finally { await connection.end() }
      })
    case 'redis':
      return probe('Redis at 127.0.0.1:6379', async () => {
        const client = new Redis({ ...REDIS, lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null })
        client.on('error', () => undefined)
        try {
          await client.connect()
          await client.ping()
        } finally {
          client.disconnect()
        }
      })
    default:
      return Promise.resolve(null)
  }
}
