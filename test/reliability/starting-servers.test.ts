// A server that answers but is not ready yet (Redis loading its dataset: `-LOADING`;
// PostgreSQL starting up: SQLSTATE 57P03) is unavailable, not a refusal: a hook is retried to
// its deadline and rejects with StoreUnavailableError, a read too, and with a spool the write is
// spooled and stays pending — never set aside in the spool's `failed` table as refused.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { PraisonAIDB, StoreError, StoreUnavailableError } from '../../src/index.js'
import { LoadingRedis, StartingPostgres } from '../support/starting-servers.js'

const DEADLINE_MS = 400

const unavailable = (error: unknown): boolean => error instanceof StoreUnavailableError && !(error instanceof StoreError)

function spoolPath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-starting-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'spool.db')
}

/** A spooled write on a server that is not ready: the hook resolves, flush leaves it pending, none failed. */
async function checkSpooled(url: string, t: TestContext): Promise<void> {
  const db = new PraisonAIDB(url, { spool: spoolPath(t), retryDeadlineMs: DEADLINE_MS } as object)
  try {
    await db.aonUserMessage('s', 'kept')
    await db.flush() // the replay meets the same answer: it keeps the write
    const status = await db.spoolStatus()
    assert.equal(status?.pending, 1, 'the write waits in the spool')
    assert.equal(status?.failed, 0, 'nothing was set aside as refused')
  } finally {
    await db.aclose()
  }
}

describe('a Redis still loading its dataset (-LOADING)', () => {
  it('is unavailable: a write and a read are retried to the deadline, then rejected with StoreUnavailableError', async () => {
    const server = await LoadingRedis.start()
    try {
      await using db = new PraisonAIDB(`redis://127.0.0.1:${server.port}/0`, { retryDeadlineMs: DEADLINE_MS })
      await assert.rejects(db.aonUserMessage('s', 'hi'), unavailable)
      const asked = server.loadingReplies
      assert.ok(asked >= 2, `the server answered LOADING ${asked} times: the open was retried`)
      await assert.rejects(db.getMessages('s'), unavailable)
      assert.ok(server.loadingReplies > asked, 'the read was tried again on the server')
    } finally {
      await server.close()
    }
  })

  it('EXECABORT after a queued command answered LOADING is unavailable too (a MULTI read)', async () => {
    const server = await LoadingRedis.start()
    try {
      const { RedisConnection, RedisTarget } = await import('../../src/stores/redis/driver.js')
      const target = new RedisTarget({ host: '127.0.0.1', port: server.port, db: 0, tls: false, connectTimeoutMs: 1000, commandTimeoutMs: 0, connectionName: 'agentdb-test', username: '', password: '' })
      const connection = await RedisConnection.open(target)
      try {
        await assert.rejects(connection.transaction([['get', 'a'], ['get', 'b']]), (error: unknown) => {
          assert.ok(unavailable(error), `got ${String(error)}`)
          assert.match((error as Error).message, /unavailable/)
          return true
        })
        assert.equal(server.aborts, 1, 'the server aborted the transaction')
      } finally {
        await connection.close()
      }
    } finally {
      await server.close()
    }
  })

  it('with a spool: the write is spooled and stays pending, never moved to failed', async (t) => {
    const server = await LoadingRedis.start()
    try {
      await checkSpooled(`redis://127.0.0.1:${server.port}/0`, t)
      assert.ok(server.loadingReplies >= 2, 'the server answered LOADING')
    } finally {
      await server.close()
    }
  })
})

describe('a PostgreSQL still starting up (SQLSTATE 57P03)', () => {
  it('is unavailable: a write is retried to the deadline, then rejected with StoreUnavailableError', async () => {
    const server = await StartingPostgres.start()
    try {
      await using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${server.port}/postgres`, { retryDeadlineMs: DEADLINE_MS })
      await assert.rejects(db.aonUserMessage('s', 'hi'), unavailable)
      assert.ok(server.refusals >= 2, `the server refused ${server.refusals} startups: retried`)
    } finally {
      await server.close()
    }
  })

  it('with a spool: the write is spooled and stays pending, never moved to failed', async (t) => {
    const server = await StartingPostgres.start()
    try {
      await checkSpooled(`postgresql://postgres@127.0.0.1:${server.port}/postgres`, t)
      assert.ok(server.refusals >= 2, 'the server answered 57P03')
    } finally {
      await server.close()
    }
  })
})
