import { ConfigError, StoreError, quote } from './errors.js'
import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, StoreInfo, StoreStats, Span, TimelineItem, ToolCall, Trace,
  TraceQuery,
} from './records.js'
import { mergeTimeline } from './timeline.js'
import type {
  Backend, ImportOutcome, PruneBatch, SearchListing, SessionBundle, SessionListing, Store, SyncStore, TraceRecord, WriteOp, WriteResult,
} from './store.js'

type Twin<Name extends string, Args extends unknown[], Result> =
  & { readonly [K in Name]?: (...args: Args) => Result | Promise<Result> }
  & { readonly [K in `async${Capitalize<Name>}`]?: (...args: Args) => Promise<Result> }

/**
 * A store you write yourself: a plain object or class instance with any subset of these
 * methods, each with an optional `async` twin (`addMessage` / `asyncAddMessage`). The async
 * surface prefers the twin; the sync surface needs the plain method. Methods receive full
 * records, with `sessionId` and `seq`. At least one write method is required.
 *
 * `seq` is proposed by counting in this process, continuing from what the store's reads
 * report when it first sees a session. Two processes appending to one session through one
 * store would propose the same seq: such a store assigns seq itself (in its own transaction)
 * and returns it from `addMessage`/`addToolCall`; agentdb then takes that number.
 */
export type UserStore =
  & Twin<'addMessage', [message: Message], unknown>
  & Twin<'addToolCall', [toolCall: ToolCall], unknown>
  & Twin<'setAgentState', [state: AgentState], unknown>
  & Twin<'getSession', [sessionId: string], Session | null>
  & Twin<'listSessions', [query: SessionListing], Page<Session>>
  & Twin<'getMessages', [sessionId: string, query: HistoryQuery], readonly Message[]>
  & Twin<'getToolCalls', [sessionId: string, query: HistoryQuery], readonly ToolCall[]>
  & Twin<'getTimeline', [sessionId: string, query: HistoryQuery], readonly TimelineItem[]>
  & Twin<'getAgentStates', [sessionId: string], readonly AgentState[]>
  & Twin<'deleteSession', [sessionId: string], boolean>
  & Twin<'setRun', [run: Run], unknown>
  & Twin<'setTrace', [trace: TraceRecord], unknown>
  & Twin<'setSpan', [span: Span], unknown>
  & Twin<'getRuns', [sessionId: string, query: RunQuery], readonly Run[]>
  & Twin<'getTraces', [query: TraceQuery], readonly Trace[]>
  & Twin<'searchMessages', [query: SearchListing], readonly SearchHit[]>
  & Twin<'pruneSessions', [batch: PruneBatch], readonly Session[]>
  & Twin<'importSession', [bundle: SessionBundle], ImportOutcome>
  & Twin<'stats', [], StoreStats>
  & { readonly close?: () => unknown; readonly aclose?: () => Promise<unknown> }

const WRITES = ['addMessage', 'addToolCall', 'setAgentState'] as const
/** Writes of runs, traces and spans: optional, skipped by a store that has none. */
const RUN_WRITES = ['setRun', 'setTrace', 'setSpan'] as const
const READS = ['getSession', 'listSessions', 'getMessages', 'getToolCalls', 'getAgentStates', 'deleteSession'] as const
/** Reads a store may lack even when it has `READS`: `CAPABILITY_MISSING` when called. */
const OPTIONAL_READS = ['getTimeline', 'getRuns', 'getTraces', 'searchMessages', 'pruneSessions', 'importSession', 'stats'] as const
type MethodName = typeof WRITES[number] | typeof RUN_WRITES[number] | typeof READS[number] | typeof OPTIONAL_READS[number]
type Written = Message | ToolCall | AgentState | Run | TraceRecord | Span
const RUN_METHOD = { run: 'setRun', trace: 'setTrace', span: 'setSpan' } as const
type Fn = (...args: unknown[]) => unknown

/**
 * Finds a method the object really has, on itself or its prototype chain, by property
 * descriptor: a Proxy whose `get` answers every name does not fabricate descriptors.
 */
function findMethod(target: object, name: string): Fn | undefined {
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name)
    if (descriptor === undefined) continue
    const value: unknown = descriptor.get ? descriptor.get.call(target) : descriptor.value
    return typeof value === 'function' ? (value as Fn).bind(target) : undefined
  }
  return undefined
}

function asyncName(name: string): string {
  return `async${name[0]!.toUpperCase()}${name.slice(1)}`
}

interface Methods {
  readonly sync: Partial<Record<MethodName | 'close', Fn>>
  readonly async: Partial<Record<MethodName | 'close', Fn>>
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

function wrapUserError(method: string, error: unknown): StoreError {
  return error instanceof StoreError ? error : new StoreError('STORE_FAILED', `user store method ${method} failed`, { cause: error })
}

/** Turns a tool call into the `tool` message given to a store that has no tool-call method. */
function toolCallAsMessage(call: ToolCall): Message {
  return {
    id: call.id, sessionId: call.sessionId, seq: call.seq, role: 'tool', createdAt: call.createdAt, runId: call.runId, toolCalls: null,
    content: JSON.stringify({ toolName: call.toolName, arguments: call.arguments, result: call.result }),
    metadata: { ...call.metadata, toolName: call.toolName },
  }
}

/**
 * Adapts a user store to the store protocol, once: methods are detected at construction,
 * never re-probed. `seq` is assigned here, per session, continuing from what the store's
 * reads report (if it has any).
 * @throws ConfigError `STORE_INVALID` when the object has none of the write methods.
 */
export function adaptUserStore(store: UserStore): Backend {
  if (typeof store !== 'object' || store === null) throw new ConfigError('STORE_INVALID', `store must be an object, got ${quote(store)}`)
  const methods: Methods = { sync: {}, async: {} }
  for (const name of [...WRITES, ...RUN_WRITES, ...READS, ...OPTIONAL_READS, 'close'] as const) {
    const sync = findMethod(store, name)
    const async = findMethod(store, name === 'close' ? 'aclose' : asyncName(name))
    if (sync) methods.sync[name] = sync
    if (async) methods.async[name] = async
  }
  const has = (name: MethodName) => methods.sync[name] !== undefined || methods.async[name] !== undefined
  if (!WRITES.some(has)) {
    throw new ConfigError('STORE_INVALID', `store has none of the write methods ${WRITES.map((w) => `${w}/${asyncName(w)}`).join(', ')}`)
  }
  const syncWrites = [...WRITES, ...RUN_WRITES].filter(has).every((name) => methods.sync[name] !== undefined)
  const reads = READS.every(has)
  const lastSeq = new Map<string, number>()
  const description = `user store ${Object.getPrototypeOf(store)?.constructor?.name ?? 'object'}`

  const callSync = (name: MethodName | 'close', args: unknown[]): unknown => {
    const fn = methods.sync[name]
    if (fn === undefined) {
      throw new ConfigError('CAPABILITY_MISSING', `${description} has no synchronous ${name}; use the async surface or PraisonAIDB.fromModule`)
    }
    let result: unknown
    try {
      result = fn(...args)
    } catch (error) {
      throw wrapUserError(name, error)
    }
    if (isThenable(result)) {
      Promise.resolve(result).catch(() => undefined) // it is reported below; keep it from crashing the process
      throw new ConfigError('CAPABILITY_MISSING', `${description}'s ${name} returned a promise, so the synchronous surface cannot use it`)
    }
    return result
  }
  const callAsync = async (name: MethodName | 'close', args: unknown[]): Promise<unknown> => {
    const fn = methods.async[name] ?? methods.sync[name]
    if (fn === undefined) throw new ConfigError('CAPABILITY_MISSING', `${description} has no ${name} or ${asyncName(name)}`)
    try {
      return await fn(...args)
    } catch (error) {
      throw wrapUserError(fn === methods.async[name] ? asyncName(name) : name, error)
    }
  }

  /** History edits and session keys have no user-store methods: refused before anything is written. */
  const refuseUnsupported = (ops: readonly WriteOp[]): void => {
    for (const op of ops) {
      if (op.type === 'edit' || op.type === 'sessionKey') {
        throw new ConfigError('CAPABILITY_MISSING', `${description} has no ${op.type === 'edit' ? 'history edits (editHistory)' : 'session keys (setSessionKey)'}; use one of the library's stores`)
      }
    }
  }
  const noSessionKeys = (): never => {
    throw new ConfigError('CAPABILITY_MISSING', `${description} has no session keys (getSessionKey); use one of the library's stores`)
  }

  /** The store calls of a batch; `index` is the op's position, for the seq a store returns. */
  const recordsOf = (ops: readonly WriteOp[], seqOf: (sessionId: string) => number): { calls: [MethodName, Written, number][]; seqs: number[] } => {
    const calls: [MethodName, Written, number][] = []
    const seqs: number[] = []
    ops.forEach((op, index) => {
      if (op.type === 'agentState') {
        seqs.push(0)
        if (has('setAgentState')) calls.push(['setAgentState', op.record, index])
        return
      }
      if (op.type === 'run' || op.type === 'trace' || op.type === 'span') {
        seqs.push(0)
        const method = RUN_METHOD[op.type]
        if (has(method)) calls.push([method, op.record, index])
        return
      }
      if (op.type === 'edit' || op.type === 'sessionKey') return refuseUnsupported([op])
      const seq = seqOf(op.record.sessionId)
      seqs.push(seq)
      if (op.type === 'message') {
        if (has('addMessage')) calls.push(['addMessage', { ...op.record, seq }, index])
      } else if (has('addToolCall')) {
        calls.push(['addToolCall', { ...op.record, seq }, index])
      } else if (has('addMessage')) {
        calls.push(['addMessage', toolCallAsMessage({ ...op.record, seq }), index])
      }
    })
    return { calls, seqs }
  }

  /**
   * A write method may answer with the `seq` it stored the record under (a store shared by
   * several processes assigns seq itself, atomically): it replaces the proposed one, and this
   * process counts on from it.
   */
  const takeSeq = (seqs: number[], index: number, record: Written, answer: unknown): void => {
    if (!('seq' in record) || typeof answer !== 'number') return
    if (!Number.isSafeInteger(answer) || answer < 1) throw new StoreError('STORE_FAILED', `${description} answered a seq of ${quote(answer)}; a write method may return the positive integer seq it stored the record under, or nothing`)
    seqs[index] = answer
    lastSeq.set(record.sessionId, Math.max(lastSeq.get(record.sessionId) ?? 0, answer))
  }

  const maxSeqOf = (timeline: readonly TimelineItem[]): number => timeline.reduce((max, item) => Math.max(max, item.seq), 0)
  const nextSeq = (sessionId: string, known: number): number => {
    const seq = Math.max(lastSeq.get(sessionId) ?? 0, known) + 1
    lastSeq.set(sessionId, seq)
    return seq
  }
  const canReadSeq = has('getTimeline') || (has('getMessages') && has('getToolCalls'))

  const timelineSync = (sessionId: string, query: HistoryQuery): readonly TimelineItem[] =>
    has('getTimeline')
      ? callSync('getTimeline', [sessionId, query]) as readonly TimelineItem[]
      : mergeTimeline(callSync('getMessages', [sessionId, query]) as readonly Message[], callSync('getToolCalls', [sessionId, query]) as readonly ToolCall[], query)
  const timelineAsync = async (sessionId: string, query: HistoryQuery): Promise<readonly TimelineItem[]> =>
    has('getTimeline')
      ? await callAsync('getTimeline', [sessionId, query]) as readonly TimelineItem[]
      : mergeTimeline(await callAsync('getMessages', [sessionId, query]) as readonly Message[], await callAsync('getToolCalls', [sessionId, query]) as readonly ToolCall[], query)

  const userInfo: StoreInfo = { backend: description, schemaVersion: null, settings: {} }
  const syncStore: SyncStore = {
    write(ops: readonly WriteOp[]): WriteResult {
      refuseUnsupported(ops)
      const known = new Map<string, number>()
      for (const op of ops) {
        const id = op.session.id
        if (op.type !== 'agentState' && !lastSeq.has(id) && !known.has(id)) known.set(id, canReadSeq ? maxSeqOf(timelineSync(id, {})) : 0)
      }
      const { calls, seqs } = recordsOf(ops, (id) => nextSeq(id, known.get(id) ?? 0))
      for (const [name, record, index] of calls) takeSeq(seqs, index, record, callSync(name, [record]))
      return seqs
    },
    getSession: (id) => callSync('getSession', [id]) as Session | null,
    listSessions: (query) => callSync('listSessions', [query]) as Page<Session>,
    getMessages: (id, query) => callSync('getMessages', [id, query]) as readonly Message[],
    getToolCalls: (id, query) => callSync('getToolCalls', [id, query]) as readonly ToolCall[],
    getTimeline: timelineSync,
    getAgentStates: (id) => callSync('getAgentStates', [id]) as readonly AgentState[],
    getRuns: (id, query) => callSync('getRuns', [id, query]) as readonly Run[],
    getTraces: (query) => callSync('getTraces', [query]) as readonly Trace[],
    searchMessages: (query) => callSync('searchMessages', [query]) as readonly SearchHit[],
    pruneSessions: (batch) => callSync('pruneSessions', [batch]) as readonly Session[],
    importSession: (bundle) => callSync('importSession', [bundle]) as ImportOutcome,
    getSessionKey: noSessionKeys,
    // an export reads every session's keys: a user store holds none
    getSessionKeys: () => [],
    stats: () => callSync('stats', []) as StoreStats,
    info: () => userInfo,
    deleteSession: (id) => {
      lastSeq.delete(id)
      return callSync('deleteSession', [id]) as boolean
    },
    close: () => {
      if (methods.sync.close) callSync('close', [])
    },
  }
  const asyncStore: Store = {
    async write(ops) {
      refuseUnsupported(ops)
      const known = new Map<string, number>()
      for (const op of ops) {
        const id = op.session.id
        if (op.type !== 'agentState' && !lastSeq.has(id) && !known.has(id)) known.set(id, canReadSeq ? maxSeqOf(await timelineAsync(id, {})) : 0)
      }
      const { calls, seqs } = recordsOf(ops, (id) => nextSeq(id, known.get(id) ?? 0))
      for (const [name, record, index] of calls) takeSeq(seqs, index, record, await callAsync(name, [record]))
      return seqs
    },
    getSession: async (id) => await callAsync('getSession', [id]) as Session | null,
    listSessions: async (query) => await callAsync('listSessions', [query]) as Page<Session>,
    getMessages: async (id, query) => await callAsync('getMessages', [id, query]) as readonly Message[],
    getToolCalls: async (id, query) => await callAsync('getToolCalls', [id, query]) as readonly ToolCall[],
    getTimeline: timelineAsync,
    getAgentStates: async (id) => await callAsync('getAgentStates', [id]) as readonly AgentState[],
    getRuns: async (id, query) => await callAsync('getRuns', [id, query]) as readonly Run[],
    getTraces: async (query) => await callAsync('getTraces', [query]) as readonly Trace[],
    searchMessages: async (query) => await callAsync('searchMessages', [query]) as readonly SearchHit[],
    pruneSessions: async (batch) => await callAsync('pruneSessions', [batch]) as readonly Session[],
    importSession: async (bundle) => await callAsync('importSession', [bundle]) as ImportOutcome,
    getSessionKeys: () => Promise.resolve([]),
    getSessionKey: () => Promise.reject(new ConfigError('CAPABILITY_MISSING', `${description} has no session keys (getSessionKey); use one of the library's stores`)),
    stats: async () => await callAsync('stats', []) as StoreStats,
    info: () => Promise.resolve(userInfo),
    deleteSession: async (id) => {
      lastSeq.delete(id)
      return await callAsync('deleteSession', [id]) as boolean
    },
    close: async () => {
      if (methods.async.close || methods.sync.close) await callAsync('close', [])
    },
  }
  return {
    description,
    capabilities: { syncSurface: syncWrites, reads, persistent: true, operations: reads && (['searchMessages', 'pruneSessions', 'importSession', 'stats'] as const).every(has), historyEdit: false },
    maxBatch: 1,
    open: () => Promise.resolve(asyncStore),
    openSync: () => {
      if (!syncWrites) throw new ConfigError('CAPABILITY_MISSING', `${description} has only async write methods, so the synchronous on* surface cannot use it; use the aon* surface or PraisonAIDB.fromModule`)
      return syncStore
    },
  }
}
