// Issue 12, item 2 (the part that needs no library change): private PostgreSQL, MariaDB and
// Redis (appendonly, appendfsync always) servers are SIGKILLed and restarted, kept down past
// retryDeadlineMs, and paused with SIGSTOP while 8 sessions write. Every write must be
// acknowledged or rejected with StoreUnavailableError within retryDeadlineMs (plus one connect
// attempt's slack), no acknowledged write lost, none stored twice or out of order.
import assert from 'node:assert/strict'
import { after, before, describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { PraisonAIDB } from '../../src/index.js'
import { LONG, recordFigure } from '../support/figures.js'
import { PrivateServer, canRunPrivate, type ServerKind } from '../support/private-servers.js'
import { WriterLoad, checkOutcomes, type WriteOutcome } from '../support/writer-load.js'

const DEADLINE_MS = 1500
const CONNECT_TIMEOUT_MS = 1000
/** A write may settle this long after its deadline: an attempt begun just before it (a connect), and a busy 2-core machine. */
const SLACK_MS = 1500
const SESSIONS = 8
const RESTARTS = LONG ? 5 : 1

const openDb = (server: PrivateServer): PraisonAIDB =>
  new PraisonAIDB(server.url, { retryDeadlineMs: DEADLINE_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS } as object)

/** Writes in flight while the server was down (from `downAt` to `upAt`) that settled only after it: the fault reached the writers. */
function touchedByOutage(outcomes: readonly WriteOutcome[], downAt: number, upAt: number): number {
  return outcomes.filter((o) => o.startedAt < upAt && o.settledAt > downAt && (o.error !== undefined || o.settledAt >= upAt)).length
}

/**
 * Runs 8 writing sessions around `fault` (which returns when the server was down and back up),
 * then checks every outcome and that every write settled within the deadline (+ slack).
 */
async function writeThrough(t: TestContext, server: PrivateServer, name: string, fault: () => Promise<{ downAt: number; upAt: number }>): Promise<{ rejected: number }> {
  await using db = openDb(server)
  await db.aonUserMessage('warm', 'opens the pool before the fault')
  const load = new WriterLoad(db, `${name.replace(/\W+/g, '-')}-${Date.now()}`, SESSIONS)
  await sleep(300)
  const { downAt, upAt } = await fault()
  await sleep(500)
  const outcomes = await load.stop()
  const figures = await checkOutcomes(db, load, outcomes)
  const touched = touchedByOutage(outcomes, downAt, upAt)
  recordFigure((m) => t.diagnostic(m), `${server.kind} ${name}`, { ...figures, downMs: upAt - downAt, touchedByOutage: touched, deadlineMs: DEADLINE_MS })
  assert.ok(touched > 0, 'some writes were in flight while the server was down')
  assert.equal(figures.lost, 0, 'no acknowledged write is lost')
  assert.equal(figures.duplicated, 0, 'no write is stored twice')
  assert.ok(figures.slowestMs <= DEADLINE_MS + SLACK_MS, `every write settled within retryDeadlineMs ${DEADLINE_MS} + ${SLACK_MS} ms, the slowest took ${figures.slowestMs} ms`)
  return figures
}

const servers: readonly ServerKind[] = ['postgres', 'mariadb', 'redis']

for (const kind of servers) {
  describe(`restarts of a private ${kind} server while 8 sessions write`, { skip: canRunPrivate(kind) ? false : `${kind} cannot be run privately here` }, () => {
    let server: PrivateServer
    before(async () => { server = await PrivateServer.create(kind) })
    after(() => server.destroy())

    it(`SIGKILL and restart (x${RESTARTS}): every write acknowledged or rejected with StoreUnavailableError in time, none lost or doubled`, async (t) => {
      for (let i = 0; i < RESTARTS; i++) {
        await writeThrough(t, server, 'restart', async () => {
          const downAt = Date.now()
          await server.kill()
          await server.start()
          return { downAt, upAt: Date.now() }
        })
      }
    })

    it('down longer than retryDeadlineMs: the writes of the outage reject with StoreUnavailableError, the rest commit', async (t) => {
      const { rejected } = await writeThrough(t, server, 'outage past the deadline', async () => {
        const downAt = Date.now()
        await server.kill()
        await sleep(DEADLINE_MS + 1000)
        await server.start()
        return { downAt, upAt: Date.now() }
      })
      assert.ok(rejected > 0, 'writes were rejected while the server stayed down')
    })

    it('paused (SIGSTOP) longer than retryDeadlineMs: the writes of the pause reject in time', async (t) => {
      const { rejected } = await writeThrough(t, server, 'SIGSTOP past the deadline', async () => {
        const downAt = Date.now()
        server.signal('SIGSTOP')
        try {
          await sleep(DEADLINE_MS + SLACK_MS + 1000)
        } finally {
          server.signal('SIGCONT')
        }
        return { downAt, upAt: Date.now() }
      })
      assert.ok(rejected > 0, 'writes were rejected while the server was paused')
    })
  })
}
