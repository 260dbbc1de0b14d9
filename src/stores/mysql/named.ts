import { PraisonAIDB, type CoreOptions } from '../../core/praisonai-db.js'
import { serverTarget, type ServerAddress } from '../../core/server-address.js'
import type { MySqlOptions } from './index.js'

/** Options of `MySQLDB`: the core options and MySQL or MariaDB's. */
export type MySQLDBOptions = CoreOptions & MySqlOptions

/** `PraisonAIDB` on MySQL or MariaDB: a URL, or `{ host, port, database, user, password, ...options }`. */
export class MySQLDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & MySQLDBOptions) = {}, options: MySQLDBOptions = {}) {
    super(...serverTarget({ kind: 'MySQLDB', schemes: ['mysql', 'mariadb'], port: 3306, database: 'test', user: 'root' }, target, options))
  }
}
