import { randomBytes } from 'node:crypto'
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise'

/** The local MariaDB of the test machine: root, empty password. */
export const MYSQL_HOST = '127.0.0.1'
export const MYSQL_PORT = 3306

/** A random suffix for this run's database, user or table names. */
export function suffix(): string {
  return randomBytes(6).toString('hex')
}

/** Runs `fn` on a root connection of its own (not one of the store's), then closes it. */
export async function withRoot<T>(fn: (connection: Connection) => Promise<T>, database?: string): Promise<T> {
  const connection = await createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: 'root', ...(database === undefined ? {} : { database }), dateStrings: true })
  try {
    return await fn(connection)
  } finally {
    await connection.end()
  }
}

/** Rows of an admin query. */
export async function queryRows(sql: string, params: unknown[] = [], database?: string): Promise<RowDataPacket[]> {
  return withRoot(async (c) => (await c.query<RowDataPacket[]>(sql, params))[0], database)
}

/** Creates `agentdb_test_<random>` and returns its name. */
export async function createTestDatabase(): Promise<string> {
  const name = `agentdb_test_${suffix()}`
  await withRoot((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`))
  return name
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withRoot((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``))
}

/** The URL of `database` as root, through `port` (a proxy's) if given. */
export function rootUrl(database: string, port = MYSQL_PORT): string {
  return `mysql://root@${MYSQL_HOST}:${port}/${database}`
}

/** Server threads connected to `database` (the store's pool connections), other than the asking one. */
export async function connectionIds(database: string): Promise<number[]> {
  const rows = await queryRows('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database])
  return rows.map((row) => Number(row['id']))
}
