import { PraisonAIDB, type CoreOptions } from '../../core/praisonai-db.js'
import { checkScheme } from '../../core/server-address.js'
import { schemeOf } from '../../core/url.js'
import type { SqliteOptions } from './index.js'

/** Options of `SQLiteDB`: the core options and SQLite's. */
export type SQLiteDBOptions = CoreOptions & SqliteOptions

/** `PraisonAIDB` on SQLite: `new SQLiteDB('agent_data.db')`, a `sqlite:` URL, or `new SQLiteDB({ path, synchronous })`. */
export class SQLiteDB extends PraisonAIDB {
  constructor(target: string | ({ readonly path?: string } & SQLiteDBOptions) = 'agent_data.db', options: SQLiteDBOptions = {}) {
    if (typeof target === 'string') {
      super(schemeOf(target) === undefined ? `sqlite:///${target}` : checkScheme(target, 'SQLiteDB', ['sqlite', 'sqlite3']), options)
    } else {
      const { path = 'agent_data.db', ...rest } = target
      super(`sqlite:///${path}`, { ...rest, ...options })
    }
  }
}
