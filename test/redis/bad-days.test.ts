import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createServer as createTlsServer } from 'node:tls'
import { inspect } from 'node:util'
import { ConfigError, PraisonAIDB, StoreUnavailableError, type AgentDBError } from '../../src/index.js'
import { TcpProxy } from '../support/tcp-proxy.js'
import { adminClient, countConnections, deleteKeys } from './admin.js'

const run = `agentdb-test-${randomBytes(6).toString('hex')}:`
let n = 0
/** A key prefix of its own for one test, under the run's prefix. */
const freshPrefix = (): string => `${run}${n++}:`
const urlFor = (prefix: string, hostPort = '127.0.0.1:6379'): string => `redis://${hostPort}/0?keyPrefix=${encodeURIComponent(prefix)}`
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function caught(run: () => Promise<unknown>): Promise<AgentDBError> {
  try {
    await run()
  } catch (error) {
    return error as AgentDBError
  }
  assert.fail('expected the call to reject')
}

/** The error names where it failed and shows the password nowhere, cause included. */
function assertSafe(error: unknown, where: string): void {
  assert.ok(error instanceof Error)
  const text = `${error.message}\n${String(error)}\n${inspect(error, { depth: 10 })}`
  assert.doesNotMatch(text, /secret-pw/)
  assert.ok(error.message.includes(where), `${JSON.stringify(error.message)} should name ${where}`)
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('redis: bad days', () => {
  const user = `agentdb-test-user-${randomBytes(4).toString('hex')}`

  before(async () => {
    const admin = await adminClient()
    await admin.call('ACL', 'SETUSER', user, 'on', '>right-pw', '~*', '&*', '+@all')
    await admin.quit()
  })

  after(async () => {
    const admin = await adminClient()
    await admin.call('ACL', 'DELUSER', user)
    await admin.quit()
    await deleteKeys(run)
  })

  it('takes the username and password from the URL', async () => {
    await using db = new PraisonAIDB(`redis://${user}:right-pw@127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(freshPrefix())}`)
    await db.aonUserMessage('s', 'hello')
    assert.deepEqual((await db.getMessages('s')).map((m) => m.content), ['hello'])
  })

  it('refuses a wrong password or an unknown user with a ConfigError that does not show the password', async () => {
    for (const credentials of [`${user}:secret-pw`, 'nouser:secret-pw']) {
      const db = new PraisonAIDB(`redis://${credentials}@127.0.0.1:6379/0`, { retryDeadlineMs: 5000 })
      const started = Date.now()
      const error = await caught(() => db.aonUserMessage('s', 'x'))
      assert.ok(error instanceof ConfigError, String(error))
      assert.equal(error.code, 'URL_INVALID')
      assert.ok(Date.now() - started < 2000, 'a refused login is not retried')
      assertSafe(error, 'Redis 127.0.0.1:6379 db 0')
      assert.doesNotMatch(`${String(db)} ${inspect(db, { depth: 10 })} ${db.target}`, /secret-pw/)
      await db.aclose()
    }
  })

  it('refuses a database index the server does not have', async () => {
    await using db = new PraisonAIDB('redis://:secret-pw@127.0.0.1:6379/999')
    const error = await caught(() => db.aonUserMessage('s', 'x'))
    assert.ok(error instanceof ConfigError, String(error))
    assertSafe(error, 'Redis 127.0.0.1:6379 db 999')
  })

  it('gives up on an unknown host or a closed port after retryDeadlineMs with StoreUnavailableError', async () => {
    const port = await closedPort()
    for (const [hostPort, where] of [['agentdb-no-such-host.invalid:6379', 'Redis agentdb-no-such-host.invalid:6379 db 3'], [`127.0.0.1:${port}`, `Redis 127.0.0.1:${port} db 3`]] as const) {
      const db = new PraisonAIDB(`redis://someone:secret-pw@${hostPort}/3`, { retryDeadlineMs: 400 })
      const started = Date.now()
      const error = await caught(() => db.aonUserMessage('s', 'x'))
      assert.ok(error instanceof StoreUnavailableError, String(error))
      assert.equal(error.code, 'STORE_UNAVAILABLE')
      assert.ok(Date.now() - started >= 350, 'retried until the deadline')
      assertSafe(error, where)
      await db.aclose()
    }
  })

  it('refuses a TLS server whose certificate cannot be verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdb-tls-'))
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' })
      const server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => socket.end())
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as { port: number }
      try {
        await using db = new PraisonAIDB(`rediss://:secret-pw@localhost:${port}/0`, { retryDeadlineMs: 5000 })
        const error = await caught(() => db.aonUserMessage('s', 'x'))
        assert.ok(error instanceof ConfigError, String(error))
        assertSafe(error, `Redis localhost:${port} db 0`)
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects bad options when constructed', () => {
    const bad: [string, object, string][] = [
      ['redis://127.0.0.1/0?keyPrefix=has%20space', {}, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0?keyPrefix=line%0Abreak', {}, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0', { keyPrefix: '' }, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0', { keyPrefix: 'x'.repeat(101) }, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0', { keyPrefix: 'café:' }, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0?connectTimeoutMs=0', {}, 'OPTION_INVALID'],
      ['redis://127.0.0.1/0?keyprefix=typo', {}, 'OPTION_INVALID'],
      ['redis://:secret-pw@127.0.0.1/zero', {}, 'URL_INVALID'],
    ]
    for (const [url, options, code] of bad) {
      assert.throws(() => new PraisonAIDB(url, options), (e: unknown) => e instanceof ConfigError && e.code === code && !/secret-pw/.test(String(e)), url)
    }
    assert.equal(new PraisonAIDB('rediss://:secret-pw@example.com/2', { keyPrefix: 'app:' }).target, 'rediss://example.com:6379/2')
  })

  it('keeps apps with different key prefixes apart', async () => {
    await using a = new PraisonAIDB(urlFor(freshPrefix()))
    await using b = new PraisonAIDB('redis://127.0.0.1:6379/0', { keyPrefix: freshPrefix() })
    await a.aonUserMessage('same-id', 'from a')
    await b.aonUserMessage('same-id', 'from b')
    assert.deepEqual((await a.getMessages('same-id')).map((m) => [m.content, m.seq]), [['from a', 1]])
    assert.deepEqual((await b.getMessages('same-id')).map((m) => [m.content, m.seq]), [['from b', 1]])
  })

  it('refuses a key prefix that holds another layout version', async () => {
    const prefix = freshPrefix()
    const admin = await adminClient()
    await admin.set(`${prefix}v:layout`, '2')
    await admin.quit()
    await using db = new PraisonAIDB(urlFor(prefix))
    const error = await caught(() => db.aonUserMessage('s', 'x'))
    assert.ok(error instanceof ConfigError && error.code === 'STORE_INVALID', String(error))
  })

  it('closes its connection: CLIENT LIST is back to the baseline after aclose, close and await using', async () => {
    const prefix = freshPrefix()
    const name = `agentdb/${prefix}`
    assert.equal(await countConnections(name), 0)
    const db = new PraisonAIDB(urlFor(prefix))
    await db.aonUserMessage('s', 'one')
    assert.equal(await countConnections(name), 1)
    await Promise.all([db.aclose(), db.aclose()])
    assert.equal(await countConnections(name), 0)
    assert.equal((await db.getMessages('s')).length, 1, 'a read re-opens')
    assert.equal(await countConnections(name), 1)
    db.close()
    db.close()
    await db.aclose()
    assert.equal(await countConnections(name), 0)
    {
      await using scoped = new PraisonAIDB(urlFor(prefix))
      await scoped.aonUserMessage('s', 'two')
      assert.equal(await countConnections(name), 1)
    }
    assert.equal(await countConnections(name), 0)
  })

  it('closes even when the server has gone silent: the goodbye is not waited for long', async (t) => {
    // a network that forwards nothing and closes nothing (a stopped server); commands have no
    // timeout of their own here, so only the close's own bound ends the wait for QUIT
    const proxy = await TcpProxy.start(6379)
    t.after(() => proxy.close())
    const prefix = freshPrefix()
    const db = new PraisonAIDB(`${urlFor(prefix, `127.0.0.1:${proxy.port}`)}&commandTimeoutMs=0`)
    await db.aonUserMessage('s', 'before')
    assert.equal(proxy.pause(), 1, 'the silence held the store\'s connection')
    const started = Date.now()
    let timer: NodeJS.Timeout | undefined
    const stillClosing = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('still closing'), 10_000) })
    const outcome = await Promise.race([db.aclose().then(() => 'closed'), stillClosing])
    clearTimeout(timer)
    assert.equal(outcome, 'closed', 'aclose() returned while the server stayed silent')
    const waited = Date.now() - started
    assert.ok(waited >= 900, `it waited for the goodbye first (${waited} ms)`)
    proxy.resume()
    // the proxy passes the dropped socket's end on once it forwards again
    for (let i = 0; i < 50 && (await countConnections(`agentdb/${prefix}`)) > 0; i++) await sleep(100)
    assert.equal(await countConnections(`agentdb/${prefix}`), 0, 'the dropped connection is gone from the server')
  })

  it('retries a hook while the server is away and succeeds once it is back', async (t) => {
    const proxy = await TcpProxy.start(6379)
    t.after(() => proxy.close())
    await using db = new PraisonAIDB(urlFor(freshPrefix(), `127.0.0.1:${proxy.port}`), { retryDeadlineMs: 10_000 })
    await db.aonUserMessage('s', 'before')
    assert.equal(proxy.cut(), 1, 'the cut dropped the store\'s connection')
    let settled = false
    const pending = db.aonUserMessage('s', 'during').finally(() => { settled = true })
    await sleep(600)
    assert.equal(settled, false, 'the hook waits for the server')
    assert.ok(proxy.refused >= 1, 'the store tried to reconnect while the server was away')
    proxy.restore()
    await pending
    assert.deepEqual((await db.getMessages('s')).map((m) => [m.content, m.seq]), [['before', 1], ['during', 2]])
  })

  it('rejects with StoreUnavailableError after retryDeadlineMs when the server stays away, writing nothing of the batch', async (t) => {
    const proxy = await TcpProxy.start(6379)
    t.after(() => proxy.close())
    const prefix = freshPrefix()
    await using db = new PraisonAIDB(urlFor(prefix, `127.0.0.1:${proxy.port}`), { retryDeadlineMs: 1500 })
    await db.aonUserMessage('s', 'before')
    assert.equal(proxy.cut(), 1, 'the cut dropped the store\'s connection')
    const started = Date.now()
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => db.aonUserMessage(i % 2 === 0 ? 's' : `other-${i % 3}`, `lost ${i}`)))
    const elapsed = Date.now() - started
    assert.ok(elapsed >= 1400 && elapsed < 8000, `rejected after ${elapsed} ms`)
    for (const result of results) {
      assert.equal(result.status, 'rejected')
      const error: unknown = result.status === 'rejected' ? result.reason : undefined
      assert.ok(error instanceof StoreUnavailableError, String(error))
      assertSafe(error, `Redis 127.0.0.1:${proxy.port} db 0`)
    }
    proxy.restore()
    await using direct = new PraisonAIDB(urlFor(prefix))
    assert.deepEqual((await direct.getMessages('s')).map((m) => m.content), ['before'])
    for (const other of ['other-0', 'other-1', 'other-2']) assert.equal(await direct.getSession(other), null)
    await direct.aonUserMessage('s', 'after')
    assert.deepEqual((await direct.getMessages('s')).map((m) => m.seq), [1, 2])
  })

  it('carries on after CLIENT KILL of its connection', async () => {
    const prefix = freshPrefix()
    await using db = new PraisonAIDB(urlFor(prefix))
    await db.aonUserMessage('s', 'one')
    const admin = await adminClient()
    const list = String(await admin.client('LIST'))
    const line = list.split('\n').find((l) => l.includes(` name=agentdb/${prefix} `))
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1]
    assert.ok(id !== undefined, 'the store connection is in CLIENT LIST under its name')
    assert.equal(await admin.call('CLIENT', 'KILL', 'ID', id), 1)
    const after = String(await admin.client('LIST'))
    assert.ok(!after.split('\n').some((l) => new RegExp(`\\bid=${id}\\b`).test(l)), 'the killed connection is gone from CLIENT LIST')
    await admin.quit()
    await db.aonUserMessage('s', 'two')
    await db.aonUserMessage('s', 'three')
    assert.deepEqual((await db.getMessages('s')).map((m) => [m.content, m.seq]), [['one', 1], ['two', 2], ['three', 3]])
  })
})
