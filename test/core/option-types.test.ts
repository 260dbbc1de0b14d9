// Options are typed per URL scheme: a wrong store's option does not compile (the @ts-expect-error
// lines fail the build if it does) and is refused at run time when the URL is only a string.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, PostgresDB, PraisonAIDB, RedisDB, SQLiteDB, type PraisonAIDBOptions } from '../../src/index.js'

/** Constructions that must not type-check; never called, only compiled. */
export function rejectedByTheTypeChecker(): void {
  // @ts-expect-error schema is a PostgreSQL option, not Redis's
  new PraisonAIDB('redis://127.0.0.1:6379/0', { schema: 'x' })
  // @ts-expect-error keyPrefix is Redis's, not SQLite's
  new PraisonAIDB('sqlite:///a.db', { keyPrefix: 'x:' })
  // @ts-expect-error synchronous is SQLite's, not PostgreSQL's
  new PraisonAIDB('postgresql://u@h/db', { synchronous: 'full' })
  // @ts-expect-error memory: takes no store option
  new PraisonAIDB('memory:', { poolSize: 3 })
  // @ts-expect-error a user store takes core options only
  new PraisonAIDB({ addMessage: () => undefined }, { schema: 'x' })
  // @ts-expect-error named classes take their own store's options
  new RedisDB({ host: 'h', tablePrefix: 'x' })
  // @ts-expect-error named classes take their own store's options
  new PostgresDB('postgresql://u@h/db', { offload: false })
  // @ts-expect-error named classes take their own store's options
  new SQLiteDB({ path: 'a.db', schema: 'x' })
  // @ts-expect-error spool is for stores across a network, not SQLite
  new PraisonAIDB('sqlite:///a.db', { spool: 'spool.db' })
  // @ts-expect-error spool is for stores across a network, not memory
  new PraisonAIDB('memory:', { spool: 'spool.db' })
}

describe('options typed per scheme', () => {
  it('accepts each store\'s own options, in the URL\'s case too', () => {
    assert.ok(new PraisonAIDB('redis://127.0.0.1:6379/0', { keyPrefix: 'x:', retryDeadlineMs: 10 }))
    assert.ok(new PraisonAIDB('POSTGRESQL://u@h/db', { schema: 'x', durability: 'buffered' }))
    assert.ok(new PraisonAIDB('mariadb://u@h/db', { tablePrefix: 'x_' }))
    assert.ok(new PraisonAIDB('sqlite:///a.db', { synchronous: 'normal', offload: false }))
    assert.ok(new PraisonAIDB('memory:', { maxBatchSize: 10 }))
    assert.ok(new PraisonAIDB('postgresql://u@h/db', { spool: 'spool.db' }))
    assert.ok(new PraisonAIDB('mysql://u@h/db', { spool: 'spool.db' }))
    assert.ok(new PraisonAIDB('redis://127.0.0.1:6379/0', { spool: 'spool.db' }))
    assert.ok(new PostgresDB('postgresql://u@h/db', { spool: 'spool.db' }))
  })

  it('refuses another store\'s option at run time when the URL is only known as a string', () => {
    const url: string = 'redis://127.0.0.1:6379/0'
    const options: PraisonAIDBOptions = { schema: 'x' }
    assert.throws(() => new PraisonAIDB(url, options), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID' && /"schema" is not known to redis:/.test(e.message))
  })
})
