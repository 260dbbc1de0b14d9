import { PraisonAIDB, type CoreOptions } from '../../core/praisonai-db.js'
import { serverTarget, type ServerAddress } from '../../core/server-address.js'
import type { RedisOptions } from './index.js'

/** Options of `RedisDB`: the core options and Redis's. */
export type RedisDBOptions = CoreOptions & RedisOptions

/** `PraisonAIDB` on Redis: a URL, or `{ host, port, database, user, password, ...options }` (database: the index). */
export class RedisDB extends PraisonAIDB {
  constructor(target: string | (ServerAddress & RedisDBOptions) = {}, options: RedisDBOptions = {}) {
    super(...serverTarget({ kind: 'RedisDB', schemes: ['redis', 'rediss'], port: 6379, database: '0', user: '' }, target, options))
  }
}
