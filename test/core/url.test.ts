import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inspect } from 'node:util'
import { ConfigError, PraisonAIDB, redactUrl } from '../../src/index.js'

function configError(run: () => unknown, code: string): ConfigError {
  let caught: unknown
  try {
    run()
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof ConfigError, `expected ConfigError, got ${String(caught)}`)
  assert.equal(caught.code, code)
  return caught
}

describe('construction from a URL', () => {
  it('accepts every documented SQLite and memory form without opening anything', () => {
    assert.equal(new PraisonAIDB('sqlite:///relative.db').target, `sqlite:${process.cwd()}/relative.db`)
    assert.equal(new PraisonAIDB('sqlite:////abs/path.db').target, 'sqlite:/abs/path.db')
    assert.equal(new PraisonAIDB('sqlite://:memory:').target, 'sqlite::memory:')
    assert.equal(new PraisonAIDB('agent_data.db').target, `sqlite:${process.cwd()}/agent_data.db`)
    assert.equal(new PraisonAIDB('./data/x.sqlite3').target, `sqlite:${process.cwd()}/data/x.sqlite3`)
    assert.equal(new PraisonAIDB('memory:').target, 'memory:')
    assert.equal(new PraisonAIDB('sqlite:///a.db?synchronous=normal&busyTimeoutMs=100').target, `sqlite:${process.cwd()}/a.db`)
  })

  it('rejects unknown schemes naming the supported ones', () => {
    const error = configError(() => new PraisonAIDB('mongodb://user:hunter2@host/db'), 'SCHEME_UNSUPPORTED')
    assert.match(error.message, /memory:.*sqlite:.*postgres/)
    assert.doesNotMatch(`${error.message} ${inspect(error)}`, /hunter2/)
  })

  it('rejects malformed targets and options with typed errors', () => {
    configError(() => new PraisonAIDB(''), 'URL_INVALID')
    configError(() => new PraisonAIDB('not a url'), 'URL_INVALID')
    configError(() => new PraisonAIDB('sqlite:relative.db'), 'URL_INVALID')
    configError(() => new PraisonAIDB('memory:/x'), 'URL_INVALID')
    configError(() => new PraisonAIDB('sqlite:///a.db?synchronus=normal'), 'OPTION_INVALID')
    configError(() => new PraisonAIDB('sqlite:///a.db?synchronous=sometimes'), 'OPTION_INVALID')
    configError(() => new PraisonAIDB('sqlite:///a.db', { busyTimeoutMs: -1 }), 'OPTION_INVALID')
    configError(() => new PraisonAIDB('sqlite:///a.db', { tablePrefix: 'x; DROP TABLE y' }), 'OPTION_INVALID')
    configError(() => new PraisonAIDB('memory:', { retryDeadlineMs: 'soon' as unknown as number }), 'OPTION_INVALID')
    configError(() => new PraisonAIDB('memory:', { nonsense: 1 } as object), 'OPTION_INVALID')
    configError(() => new PraisonAIDB(42 as unknown as string), 'STORE_INVALID')
  })

  it('redacts passwords in every URL of a text', () => {
    assert.equal(redactUrl('postgresql://u:p%40ss@h:5432/db and redis://:pw@r:6379/0'), 'postgresql://u:***@h:5432/db and redis://:***@r:6379/0')
    assert.equal(redactUrl('postgresql://u@h/db'), 'postgresql://u@h/db')
  })
})
