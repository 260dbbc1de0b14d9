import pg from 'pg'

/** The test server, as the `postgres` superuser (trust auth on 127.0.0.1). */
export const PG_URL = 'postgresql://postgres@127.0.0.1:5432/test'

/** Runs `use` with a plain pg client on the test server, for what a test inspects or cleans up. */
export async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** Drops a test run's schemas with everything in them. */
export function dropSchemas(...schemas: readonly string[]): Promise<void> {
  return withAdmin(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  })
}
