import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, PraisonAIDB, redactUrl } from '../../src/index.js'
import { assertHidden, SECRET } from '../support/secrets.js'

/** Query parameters that hold a secret in some driver's URL grammar. */
const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey', 'token', 'authToken', 'auth_token', 'apiKey', 'secret'] as const

function constructionError(target: string): ConfigError {
  let caught: unknown
  try {
    new PraisonAIDB(target)
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${target.replaceAll(SECRET, '<secret>')}, got ${String(caught).replaceAll(SECRET, '<secret>')}`)
  return caught
}

describe('secrets in a connection URL', () => {
  it('hides the password of a URL that cannot be parsed, cause included', () => {
    for (const target of [`postgresql://u:${SECRET}@host:99999999/db`, `mysql://u:${SECRET}@[::1/db`, `redis://:${SECRET}@ho st:6379/0`]) {
      const error = constructionError(target)
      assert.equal(error.code, 'URL_INVALID')
      assertHidden(SECRET, error)
    }
  })

  it('hides the password of a URL with an unsupported scheme or option', () => {
    for (const target of [`mongodb://u:${SECRET}@host/db`, `postgresql://u:${SECRET}@127.0.0.1/db?poolSize=many`, `redis://:${SECRET}@127.0.0.1/zero`]) {
      assertHidden(SECRET, constructionError(target))
    }
  })

  it('names an unknown secret option without its value, on every backend', () => {
    const bases = ['sqlite:///agentdb-redaction.db', 'memory:', 'postgresql://u@127.0.0.1:5432/db', 'mysql://u@127.0.0.1:3306/db', 'redis://127.0.0.1:6379/0']
    for (const base of bases) {
      for (const name of SECRET_PARAMS) {
        const error = constructionError(`${base}?${name}=${SECRET}`)
        assert.equal(error.code, 'OPTION_INVALID')
        assert.match(error.message, new RegExp(name))
        assertHidden(SECRET, error)
      }
    }
  })

  it('masks secret query parameters in redactUrl, keeping the others', () => {
    for (const name of SECRET_PARAMS) {
      const text = redactUrl(`postgresql://u@h:5432/db?schema=app&${name}=${SECRET}&poolSize=5`)
      assert.ok(!text.includes(SECRET), `${name}: ${text}`)
      assert.match(text, /schema=app/)
      assert.match(text, /poolSize=5/)
    }
  })

  it('hides secret query parameters of a URL that cannot be parsed', () => {
    for (const name of SECRET_PARAMS) {
      for (const target of [`postgresql://u@host:99999999/db?${name}=${SECRET}`, `sqlite:relative.db?${name}=${SECRET}`, `memory:/x?${name}=${SECRET}`]) {
        assertHidden(SECRET, constructionError(target))
      }
    }
  })
})
