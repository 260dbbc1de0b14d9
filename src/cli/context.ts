import { PraisonAIDB, redactUrl } from '../index.js'

/** Options every command takes. */
export interface GlobalOptions {
  readonly db?: string
  readonly json?: boolean
  readonly debug?: boolean
}

/** The database a command uses: `--db`, else `AGENTDB_URL`, else the seed's default. */
export function databaseUrl(options: GlobalOptions): string {
  return options.db ?? process.env['AGENTDB_URL'] ?? 'sqlite:///agent_data.db'
}

/** Opens the database for one command and closes it afterwards, whatever happens. */
export async function withDatabase<T>(options: GlobalOptions, use: (db: PraisonAIDB) => Promise<T>): Promise<T> {
  const db = new PraisonAIDB(databaseUrl(options), { retryDeadlineMs: 5000 })
  try {
    return await use(db)
  } finally {
    await db.aclose()
  }
}

/** Where a command writes; tests and pipes get plain text, a terminal gets colour. */
export interface Output {
  readonly color: boolean
  line(text?: string): void
  json(value: unknown): void
}

/** Standard output, coloured when it is a terminal and `NO_COLOR` is unset. */
export function stdout(): Output {
  const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb'
  return {
    color,
    line: (text = '') => { process.stdout.write(`${redactUrl(text)}\n`) },
    json: (value) => { process.stdout.write(`${JSON.stringify(value, null, 2)}\n`) },
  }
}
