// One job: the facade's reads. Each is described once, as a store call with validated arguments
// (`StoreCall`) or a plan (`getHistory`), and run on the async or the sync surface by its twin.
import { chatHistory, firstWindow, lastTurns } from '../history.js'
import type {
  ChatHistoryQuery, ChatMessage, HistoryQuery, ListSessionsQuery, RunQuery, TimelineItem, TraceQuery,
} from '../records.js'
import { normaliseHistory, normaliseListing, normaliseRuns, normaliseTraces, normaliseTurns } from '../queries.js'
import type { Store, StoreMethods } from '../store.js'
import { checkSessionKey } from '../history-args.js'
import type { SessionAccess } from '../user-scope.js'
import { checkSessionId } from '../validate.js'
import { rejecting, runPlan, runPlanSync, type Plan } from './plan.js'

type ReadMethod = Exclude<keyof StoreMethods, 'write' | 'close'>
type Answer<K extends ReadMethod> = ReturnType<StoreMethods[K]>

/** One store method with its validated arguments: the same call on either surface. */
export interface StoreCall<K extends ReadMethod> {
  readonly method: K
  readonly args: Parameters<StoreMethods[K]>
  /** The async surface waits for the writes queued before it (a delete, a prune, an import). */
  readonly afterWrites: boolean
}

const call = <K extends ReadMethod>(method: K, args: Parameters<StoreMethods[K]>, afterWrites = false): StoreCall<K> => ({ method, args, afterWrites })

function callOn<K extends ReadMethod>(store: Store, c: StoreCall<K>): Promise<Answer<K>> {
  const method = store[c.method] as (...args: Parameters<StoreMethods[K]>) => Promise<Answer<K>>
  return method.apply(store, c.args)
}

function callOnSync<K extends ReadMethod>(store: StoreMethods, c: StoreCall<K>): Answer<K> {
  const method = store[c.method] as (...args: Parameters<StoreMethods[K]>) => Answer<K>
  return method.apply(store, c.args)
}

/** Runs the call `ask` makes on the async surface; invalid arguments reject. */
export function readAsync<K extends ReadMethod>(access: SessionAccess, ask: () => StoreCall<K>): Promise<Answer<K>> {
  return rejecting(() => {
    const c = ask()
    return access.read((store) => callOn(store, c), c.afterWrites)
  })
}

/** Runs `c` on the sync surface. */
export function readSync<K extends ReadMethod>(access: SessionAccess, c: StoreCall<K>): Answer<K> {
  return access.readSync((store) => callOnSync(store, c), c.afterWrites)
}

// ---- the reads, each written once --------------------------------------------------------

export const sessionCall = (sessionId: string): StoreCall<'getSession'> => call('getSession', [checkSessionId(sessionId)])
export const listingCall = (query: ListSessionsQuery | undefined): StoreCall<'listSessions'> => call('listSessions', [normaliseListing(query)])
export const messagesCall = (sessionId: string, query: HistoryQuery | undefined): StoreCall<'getMessages'> =>
  call('getMessages', [checkSessionId(sessionId), normaliseHistory(query)])
export const toolCallsCall = (sessionId: string, query: HistoryQuery | undefined): StoreCall<'getToolCalls'> =>
  call('getToolCalls', [checkSessionId(sessionId), normaliseHistory(query)])
export const timelineCall = (sessionId: string, query: HistoryQuery | undefined): StoreCall<'getTimeline'> =>
  call('getTimeline', [checkSessionId(sessionId), normaliseHistory(query)])
export const agentStatesCall = (sessionId: string): StoreCall<'getAgentStates'> => call('getAgentStates', [checkSessionId(sessionId)])
export const runsCall = (sessionId: string, query: RunQuery | undefined): StoreCall<'getRuns'> => call('getRuns', [checkSessionId(sessionId), normaliseRuns(query)])
export const tracesCall = (query: TraceQuery | undefined): StoreCall<'getTraces'> => call('getTraces', [normaliseTraces(query)])
export const deleteCall = (sessionId: string): StoreCall<'deleteSession'> => call('deleteSession', [checkSessionId(sessionId)], true)
export const sessionKeyCall = (sessionId: string, key: string): StoreCall<'getSessionKey'> =>
  call('getSessionKey', [checkSessionId(sessionId), checkSessionKey(key)])
export const INFO_CALL: StoreCall<'info'> = call('info', [])
export const STATS_CALL: StoreCall<'stats'> = call('stats', [])

// ---- getHistory: a plan, since it may read a wider window ---------------------------------

/** Asks for the timeline (whole, or windows growing 4x) until it holds the last `turns` whole turns. */
function* historyPlan(turns: number | undefined): Plan<HistoryQuery, readonly TimelineItem[], ChatMessage[]> {
  if (turns === undefined) return chatHistory(yield {})
  for (let width = firstWindow(turns); ; width *= 4) {
    const window = yield { limit: width }
    const kept = lastTurns(window, turns, window.length < width)
    if (kept !== undefined) return chatHistory(kept)
  }
}

/** `getHistory`: the plan runs inside one read, so a retried read starts it afresh. */
export function readHistory(access: SessionAccess, sessionId: string, query: ChatHistoryQuery | undefined): Promise<ChatMessage[]> {
  return rejecting(() => {
    const id = checkSessionId(sessionId)
    const turns = normaliseTurns(query)
    return access.read((s) => runPlan(historyPlan(turns), (q) => s.getTimeline(id, q)))
  })
}

/** `getHistorySync`. */
export function readHistorySync(access: SessionAccess, sessionId: string, query: ChatHistoryQuery | undefined): ChatMessage[] {
  const id = checkSessionId(sessionId)
  const turns = normaliseTurns(query)
  return access.readSync((s) => runPlanSync(historyPlan(turns), (q) => s.getTimeline(id, q)))
}
