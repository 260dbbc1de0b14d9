import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { StoreUnavailableError, type PraisonAIDB } from '../../src/index.js'
import type { TcpProxy } from './tcp-proxy.js'

const isUnavailable = (error: unknown): boolean => {
  assert.ok(error instanceof StoreUnavailableError, `expected StoreUnavailableError, got ${inspect(error)}`)
  return true
}

/**
 * With `db` pointing at a server that is down, every read, async and sync, fails with
 * `StoreUnavailableError`: "database down" never looks like "no history" (`[]`, `null`, `false`).
 */
export async function assertReadsFailWhileDown(db: PraisonAIDB): Promise<void> {
  const reads: [string, () => Promise<unknown>][] = [
    ['getSession', () => db.getSession('down')],
    ['listSessions', () => db.listSessions()],
    ['getMessages', () => db.getMessages('down')],
    ['getToolCalls', () => db.getToolCalls('down')],
    ['getTimeline', () => db.getTimeline('down')],
    ['getAgentStates', () => db.getAgentStates('down')],
    ['deleteSession', () => db.deleteSession('down')],
    ['aonAgentStart', () => db.aonAgentStart('down', 'agent')],
  ]
  for (const [name, read] of reads) await assert.rejects(read, isUnavailable, name)
  // getAgentStatesSync is being added to the facade; checked once it is there.
  const agentStatesSync = (db as { getAgentStatesSync?: (id: string) => unknown }).getAgentStatesSync
  const syncReads: [string, () => unknown][] = [
    ['getSessionSync', () => db.getSessionSync('down')],
    ['listSessionsSync', () => db.listSessionsSync()],
    ['getMessagesSync', () => db.getMessagesSync('down')],
    ['getToolCallsSync', () => db.getToolCallsSync('down')],
    ['getTimelineSync', () => db.getTimelineSync('down')],
    ['deleteSessionSync', () => db.deleteSessionSync('down')],
    ['onAgentStart', () => db.onAgentStart('down', 'agent')],
    ...(typeof agentStatesSync === 'function' ? [['getAgentStatesSync', () => agentStatesSync.call(db, 'down')] as [string, () => unknown]] : []),
  ]
  for (const [name, read] of syncReads) assert.throws(read, isUnavailable, name)
}

/**
 * `aonAgentStart` whose write commits and whose resume read then finds the server gone
 * (the proxy cuts when the read's request, matching `readPattern`, is sent): it rejects with
 * `StoreUnavailableError` instead of resolving to no history. Resolves once checked. `db`'s
 * retry deadline must leave its open and its write time on a loaded machine: with 300 ms and
 * the tables still to create, a full test run once failed the open before any read (the tests
 * now create the tables first and give 2 s).
 */
export async function assertResumeReadFailsWhenCut(db: PraisonAIDB, proxy: TcpProxy, readPattern: RegExp, sessionId: string): Promise<void> {
  let cut = false
  const cutting = proxy.cutWhen(readPattern).then(() => { cut = true })
  await assert.rejects(db.aonAgentStart(sessionId, 'agent'), isUnavailable)
  assert.ok(cut, 'the proxy cut the connection on the resume read')
  await cutting
  proxy.restore()
}
