import { PraisonAIDB, type CoreOptions } from '../../core/praisonai-db.js'
import { serverTarget, type ServerAddress } from '../../core/server-address.js'
import type { PostgresOptions } from './index.js'

/** Options of `PostgresDB`: the core options and PostgreSQL's. */
export type PostgresDBOptions = CoreOptions & PostgresOptions

/** `PraisonAIDB` on PostgreSQL: a URL, or `{ host, port, database, user, password, ...options }`. */
export class PostgresDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & PostgresDBOptions) = {}, options: PostgresDBOptions = {}) {
    super(...serverTarget({ kind: 'PostgresDB', schemes: ['postgresql', 'postgres'], port: 5432, database: 'postgres', user: 'postgres' }, target, options))
  }
}
