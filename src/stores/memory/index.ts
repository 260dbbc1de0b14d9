import { decodeCursor, encodeCursor } from '../../core/cursor.js'
import { ConfigError, StoreError, historyConflict } from '../../core/errors.js'
import { afterPhase, newestStartFirst, oldestStartFirst } from '../../core/phases.js'
import { checkOwnedWrites, hasOwnedWrite } from '../../core/ownership.js'
import { pruneSelection } from '../../core/prune.js'
import type {
  AgentState, HistoryQuery, JsonValue, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, Span, StoreStats, TimelineItem, ToolCall, Trace,
  TraceQuery,
} from '../../core/records.js'
import { matchScore, rankHits, searchesSession } from '../../core/search.js'
import {
  sharedOpeners, type Backend, type ImportOutcome, type PruneBatch, type RecordOp, type SearchListing, type SessionBundle, type SessionKeyOp,
  type SessionListing, type SyncStore, type TraceRecord, type WriteOp,
} from '../../core/store.js'
import type { StoreDefinition } from '../../core/store-definition.js'
import { mergeTimeline } from '../../core/timeline.js'
import { bundleSize } from '../../core/transfer.js'
import { connectionUrl, parseQuery, redactUrl, splitQuery, type ConnectionUrl } from '../../core/url.js'

type MutableSession = { -readonly [K in keyof Session]: Session[K] }

interface SessionData {
  /** Updated in place on every write; readers get copies. */
  readonly session: MutableSession
  lastSeq: number
  /** The greatest record id stored: the library's ids grow, so a greater one is new without a lookup. */
  lastId: string
  /** Every record id of the session, built on the first id that is not greater than `lastId`. */
  ids: Set<string> | undefined
  readonly messages: Message[]
  readonly toolCalls: ToolCall[]
  readonly agents: Map<string, AgentState>
  readonly runs: Map<string, Run>
  readonly traces: Map<string, TraceRecord>
  /** By trace id, then span id. */
  readonly spans: Map<string, Map<string, Span>>
  /** Session keys (`sessionKey` writes) by name. */
  readonly keys: Map<string, SessionKey>
}

/** A session's data as it was, to put back: arrays and maps copied, records shared (they are never changed in place). */
function copyOf(data: SessionData): SessionData {
  return {
    ...data, session: { ...data.session }, ids: data.ids && new Set(data.ids), messages: [...data.messages], toolCalls: [...data.toolCalls],
    agents: new Map(data.agents), runs: new Map(data.runs), traces: new Map(data.traces),
    spans: new Map([...data.spans].map(([traceId, spans]) => [traceId, new Map(spans)])), keys: new Map(data.keys),
  }
}

const emptyData = (session: MutableSession): SessionData => ({
  session, lastSeq: 0, lastId: '', ids: undefined, messages: [], toolCalls: [], agents: new Map(), runs: new Map(), traces: new Map(), spans: new Map(), keys: new Map(),
})

/** A deep, frozen copy of a validated JSON value: stored data cannot change behind the store's back. */
function frozenCopy<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return Object.freeze(value.map((v: JsonValue) => frozenCopy(v))) as unknown as T
  const copy: Record<string, JsonValue> = {}
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, JsonValue | undefined>)[key]
    // a key named __proto__ is data, as in every other store, never the copy's prototype
    if (child !== undefined) Object.defineProperty(copy, key, { value: frozenCopy(child), enumerable: true, writable: true, configurable: true })
  }
  return Object.freeze(copy) as T
}

/** A run, trace or span with its JSON frozen: stored as it will be handed out. */
function frozen<T extends object>(record: T): T {
  for (const value of Object.values(record)) deepFreeze(value as JsonValue)
  return Object.freeze(record)
}

/** Freezes a JSON value the store owns, in place. */
function deepFreeze(value: JsonValue): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return
  for (const child of Object.values(value)) deepFreeze(child)
  Object.freeze(value)
}

/**
 * Hands stored records out frozen. A write stores its record and the op's JSON unfrozen —
 * validation made that JSON a copy nobody else holds (`checkJson`), and a stored record is
 * reachable only through a read — so freezing waits for the first read of each record,
 * off the hook's path, and a caller can still never change what is stored.
 */
function handOut<T extends Message | ToolCall>(records: T[]): T[] {
  for (const record of records) {
    if (Object.isFrozen(record)) continue
    deepFreeze(record.metadata)
    if ('arguments' in record) {
      deepFreeze(record.arguments)
      deepFreeze(record.result)
    }
    Object.freeze(record)
  }
  return records
}

/** Stores a message or tool call at `seq`. The op's JSON is the store's to keep (see handOut); the records are frozen when first read. */
function append(data: SessionData, op: RecordOp, seq: number): void {
  if (op.type === 'message') {
    const m = op.record
    data.messages.push({ id: m.id, sessionId: m.sessionId, seq, role: m.role, content: m.content, metadata: m.metadata, createdAt: m.createdAt, runId: m.runId, toolCalls: m.toolCalls === null ? null : frozenCopy(m.toolCalls as unknown as JsonValue) as unknown as Message['toolCalls'] })
  } else {
    const t = op.record
    data.toolCalls.push({
      id: t.id, sessionId: t.sessionId, seq, toolName: t.toolName, arguments: t.arguments, result: t.result,
      error: t.error, durationMs: t.durationMs, metadata: t.metadata, createdAt: t.createdAt, runId: t.runId, toolCallId: t.toolCallId,
    })
  }
}

/** Index of the first item with seq > `seq` in a seq-ascending array. */
function upperBound(items: readonly { readonly seq: number }[], seq: number): number {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (items[mid]!.seq <= seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

function range<T extends { readonly seq: number }>(items: readonly T[], query: HistoryQuery): T[] {
  const start = query.afterSeq === undefined ? 0 : upperBound(items, query.afterSeq)
  const end = query.beforeSeq === undefined ? items.length : upperBound(items, query.beforeSeq - 1)
  const from = query.limit === undefined ? start : Math.max(start, end - query.limit)
  return items.slice(from, Math.max(from, end))
}

function newestFirst(a: Session, b: Session): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Agent states by start time, then name, then agent id. */
function byStart(a: AgentState, b: AgentState): number {
  for (const [x, y] of [[a.startedAt, b.startedAt], [a.name, b.name], [a.agentId, b.agentId]] as const) if (x !== y) return x < y ? -1 : 1
  return 0
}

/**
 * Whether a message or tool call with this id is stored in the session, recording it if not.
 * The library's ids grow, so the common case is one string comparison; a caller's own id (an
 * idempotency key) that does not sort last costs a set of the session's ids, built once.
 */
function isStored(data: SessionData, id: string): boolean {
  if (data.ids === undefined) {
    if (id > data.lastId) {
      data.lastId = id
      return false
    }
    data.ids = new Set([...data.messages, ...data.toolCalls].map((record) => record.id))
  }
  if (data.ids.has(id)) return true
  data.ids.add(id)
  if (id > data.lastId) data.lastId = id
  return false
}

/** The data of a memory store; it lives as long as its `PraisonAIDB`. */
class MemoryData {
  readonly sessions = new Map<string, SessionData>()

  #session(op: WriteOp): SessionData {
    const seed = op.session
    let data = this.sessions.get(seed.id)
    if (data === undefined) {
      data = emptyData({ id: seed.id, userId: seed.userId, agentId: seed.agentId, name: seed.name, metadata: frozenCopy(seed.metadata), createdAt: seed.at, updatedAt: seed.at, endedAt: null })
      this.sessions.set(seed.id, data)
    } else {
      const s = data.session
      s.userId ??= seed.userId
      s.agentId ??= seed.agentId
      s.name ??= seed.name
      s.updatedAt = seed.at
    }
    return data
  }

  /**
   * A batch, atomically: a user-scope write its user may not make fails the batch before
   * anything changes (`SESSION_FORBIDDEN`); otherwise only an edit can fail
   * (`HISTORY_CONFLICT`, before it changes anything), so a batch of several writes holding
   * one keeps a copy of each session it touches and puts them back when it fails.
   */
  write(ops: readonly WriteOp[]): number[] {
    if (ops.length === 1 && ops[0]!.session.owner === undefined) return this.#writeAll(ops)
    if (hasOwnedWrite(ops)) checkOwnedWrites(ops, (id) => { const data = this.sessions.get(id); return data === undefined ? undefined : data.session.userId })
    if (ops.length === 1 || !ops.some((op) => op.type === 'edit')) return this.#writeAll(ops)
    const before = new Map<string, SessionData | undefined>()
    for (const op of ops) if (!before.has(op.session.id)) before.set(op.session.id, this.sessions.get(op.session.id))
    const copies = new Map([...before].map(([id, data]) => [id, data && copyOf(data)]))
    try {
      return this.#writeAll(ops)
    } catch (error) {
      for (const [id, copy] of copies) {
        if (copy === undefined) this.sessions.delete(id)
        else this.sessions.set(id, copy)
      }
      throw error
    }
  }

  #writeAll(ops: readonly WriteOp[]): number[] {
    const seqs: number[] = []
    for (const op of ops) {
      if (op.type === 'edit') {
        seqs.push(this.#edit(op))
        continue
      }
      if (op.type === 'sessionKey') {
        seqs.push(this.#sessionKey(op))
        continue
      }
      const data = this.#session(op)
      if (op.type === 'agentState') {
        seqs.push(0)
        const r = op.record
        const key = JSON.stringify([r.name, r.agentId])
        const before = data.agents.get(key)
        data.agents.set(key, { ...r, startedAt: r.status === 'started' || !before ? r.startedAt : before.startedAt, metadata: frozenCopy(r.metadata) })
        data.session.endedAt = r.endedAt
        continue
      }
      if (op.type === 'run' || op.type === 'trace' || op.type === 'span') {
        seqs.push(0)
        this.#phase(data, op)
        continue
      }
      if (isStored(data, op.record.id)) {
        seqs.push(0) // a retried write: the first one stands
        continue
      }
      const seq = ++data.lastSeq
      seqs.push(seq)
      append(data, op, seq)
    }
    return seqs
  }

  /** An edit (`HistoryEdit`): checked before anything changes; appended records take seqs after `lastSeq`, never reused. */
  #edit(op: Extract<WriteOp, { type: 'edit' }>): number {
    const { afterSeq, expectLastSeq, append: appended } = op.edit
    if (expectLastSeq !== undefined) {
      const existing = this.sessions.get(op.session.id)
      const last = existing === undefined ? 0 : Math.max(existing.messages.at(-1)?.seq ?? 0, existing.toolCalls.at(-1)?.seq ?? 0)
      if (last !== (expectLastSeq ?? 0)) throw historyConflict(op.session.id, expectLastSeq, last)
    }
    const data = this.#session(op)
    for (const removed of [...data.messages.splice(upperBound(data.messages, afterSeq)), ...data.toolCalls.splice(upperBound(data.toolCalls, afterSeq))]) {
      data.ids?.delete(removed.id)
    }
    const first = data.lastSeq + 1
    appended.forEach((record, i) => {
      if (!isStored(data, record.record.id)) append(data, record, first + i)
    })
    data.lastSeq += appended.length
    return appended.length > 0 ? first : 0
  }

  /** A session key write: 0, changing nothing, when its `expect` does not hold. */
  #sessionKey(op: SessionKeyOp): number {
    const current = this.sessions.get(op.session.id)?.keys.get(op.key)?.value ?? null
    if (op.expect !== undefined && current !== op.expect) return 0
    const data = this.#session(op)
    if (op.value === null) data.keys.delete(op.key)
    else data.keys.set(op.key, Object.freeze({ sessionId: op.session.id, name: op.key, value: op.value, updatedAt: op.session.at }))
    return 1
  }

  getSessionKey(sessionId: string, key: string): string | null {
    return this.sessions.get(sessionId)?.keys.get(key)?.value ?? null
  }

  getSessionKeys(sessionId: string): readonly SessionKey[] {
    return [...(this.sessions.get(sessionId)?.keys.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Stores a run, trace or span as `Phase` says; what is stored is frozen, so reads hand it out as it is. */
  #phase(data: SessionData, op: Extract<WriteOp, { type: 'run' | 'trace' | 'span' }>): void {
    if (op.type === 'run') {
      data.runs.set(op.record.id, frozen(afterPhase(data.runs.get(op.record.id), op)))
    } else if (op.type === 'trace') {
      data.traces.set(op.record.id, frozen(afterPhase(data.traces.get(op.record.id), op)))
    } else {
      let spans = data.spans.get(op.record.traceId)
      if (spans === undefined) data.spans.set(op.record.traceId, spans = new Map())
      spans.set(op.record.id, frozen(afterPhase(spans.get(op.record.id), op)))
    }
  }

  runs(sessionId: string, query: RunQuery): readonly Run[] {
    const runs = [...(this.sessions.get(sessionId)?.runs.values() ?? [])].sort(newestStartFirst)
    return query.limit === undefined ? runs : runs.slice(0, query.limit)
  }

  traces(query: TraceQuery): readonly Trace[] {
    const sessions = query.sessionId === undefined ? [...this.sessions.values()] : [this.sessions.get(query.sessionId)].filter((d) => d !== undefined)
    const traces: Trace[] = []
    for (const data of sessions) {
      for (const trace of data.traces.values()) {
        if (query.userId !== undefined && trace.userId !== query.userId) continue
        const spans = [...(data.spans.get(trace.id)?.values() ?? [])].filter((s) => s.sessionId === trace.sessionId).sort(oldestStartFirst)
        traces.push({ ...trace, spans })
      }
    }
    traces.sort(newestStartFirst)
    return query.limit === undefined ? traces : traces.slice(0, query.limit)
  }

  listSessions(query: SessionListing): Page<Session> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    const matching = [...this.sessions.values()].map((d): Session => ({ ...d.session })).filter((s) =>
      (query.userId === undefined || s.userId === query.userId) &&
      (query.agentId === undefined || s.agentId === query.agentId) &&
      (cursor === null || s.createdAt < cursor.createdAt || (s.createdAt === cursor.createdAt && s.id < cursor.id)))
    matching.sort(newestFirst)
    const items = matching.slice(0, query.limit)
    const last = items[items.length - 1]
    return { items, nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null }
  }

  delete(sessionId: string): boolean {
    return this.sessions.delete(sessionId)
  }

  /** Scans every message of the sessions the filters allow. */
  search(query: SearchListing): SearchHit[] {
    const scored: { score: number; message: Message }[] = []
    for (const data of this.sessions.values()) {
      if (!searchesSession(query, data.session)) continue
      for (const message of data.messages) {
        const score = matchScore(query.words, message.content)
        if (score > 0) scored.push({ score, message })
      }
    }
    const hits = rankHits(scored, query)
    handOut(hits.map((h) => h.message))
    return hits
  }

  prune(batch: PruneBatch): Session[] {
    const selected = pruneSelection(batch, [...this.sessions.values()].map((d) => ({ ...d.session })))
    if (!batch.dryRun) for (const session of selected) this.delete(session.id)
    return selected
  }

  /** Checks every seq first, so a conflict leaves the session as it was. */
  import(bundle: SessionBundle): ImportOutcome {
    const s = bundle.session
    const existing = this.sessions.get(s.id)
    const stored = new Map<number, string>()
    for (const r of [...(existing?.messages ?? []), ...(existing?.toolCalls ?? [])]) stored.set(r.seq, r.id)
    const storedIds = new Set(stored.values())
    const fresh = <T extends Message | ToolCall>(records: readonly T[]): T[] => records.filter((r) => {
      if (storedIds.has(r.id)) return false
      const holder = stored.get(r.seq)
      if (holder !== undefined) throw new StoreError('IMPORT_CONFLICT', `session ${JSON.stringify(s.id)} already has a record at seq ${r.seq}; nothing of it was imported`)
      return true
    })
    const messages = fresh(bundle.messages)
    const toolCalls = fresh(bundle.toolCalls)
    const data: SessionData = existing ?? emptyData({ ...s, metadata: frozenCopy(s.metadata) })
    this.sessions.set(s.id, data)
    const bySeq = (a: { readonly seq: number }, b: { readonly seq: number }): number => a.seq - b.seq
    for (const m of messages) data.messages.push(frozenCopy(m as unknown as JsonValue) as unknown as Message)
    for (const t of toolCalls) data.toolCalls.push(frozenCopy(t as unknown as JsonValue) as unknown as ToolCall)
    data.messages.sort(bySeq)
    data.toolCalls.sort(bySeq)
    for (const r of [...messages, ...toolCalls]) {
      data.lastSeq = Math.max(data.lastSeq, r.seq)
      data.ids?.add(r.id)
      if (r.id > data.lastId) data.lastId = r.id
    }
    let added = (existing ? 0 : 1) + messages.length + toolCalls.length
    const putNew = <T>(map: Map<string, T>, key: string, value: T): void => {
      if (map.has(key)) return
      map.set(key, frozenCopy(value as unknown as JsonValue) as unknown as T)
      added += 1
    }
    for (const a of bundle.agentStates) putNew(data.agents, JSON.stringify([a.name, a.agentId]), a)
    for (const r of bundle.runs) putNew(data.runs, r.id, r)
    for (const t of bundle.traces) putNew(data.traces, t.id, t)
    for (const p of bundle.spans) {
      let spans = data.spans.get(p.traceId)
      if (spans === undefined) data.spans.set(p.traceId, spans = new Map())
      putNew(spans, p.id, p)
    }
    for (const k of bundle.sessionKeys) putNew(data.keys, k.name, k)
    return { added, skipped: bundleSize(bundle) - added }
  }

  stats(): StoreStats {
    let messages = 0, toolCalls = 0, agentStates = 0, runs = 0, traces = 0, spans = 0
    let oldest: string | null = null
    let newest: string | null = null
    for (const d of this.sessions.values()) {
      messages += d.messages.length
      toolCalls += d.toolCalls.length
      agentStates += d.agents.size
      runs += d.runs.size
      traces += d.traces.size
      for (const ofTrace of d.spans.values()) spans += ofTrace.size
      if (oldest === null || d.session.createdAt < oldest) oldest = d.session.createdAt
      if (newest === null || d.session.updatedAt > newest) newest = d.session.updatedAt
    }
    return { sessions: this.sessions.size, messages, toolCalls, agentStates, runs, traces, spans, oldestSession: oldest, newestActivity: newest }
  }
}

/** The store protocol over the data; the runtime stops calling it once it is closed. */
function memoryStore(data: MemoryData): SyncStore {
  return {
    write: (ops) => data.write(ops),
    getSession: (id) => {
      const s = data.sessions.get(id)?.session
      return s === undefined ? null : { ...s }
    },
    listSessions: (query) => data.listSessions(query),
    getMessages: (id, query): readonly Message[] => handOut(range(data.sessions.get(id)?.messages ?? [], query)),
    getToolCalls: (id, query): readonly ToolCall[] => handOut(range(data.sessions.get(id)?.toolCalls ?? [], query)),
    getTimeline: (id, query): readonly TimelineItem[] => {
      const s = data.sessions.get(id)
      return s ? mergeTimeline(handOut(range(s.messages, query)), handOut(range(s.toolCalls, query)), query) : []
    },
    // in start order, then name and agent id, as the SQL stores read them (a restart moves an agent later)
    getAgentStates: (id) => [...(data.sessions.get(id)?.agents.values() ?? [])].sort(byStart),
    getRuns: (id, query) => data.runs(id, query),
    getTraces: (query) => data.traces(query),
    deleteSession: (id) => data.delete(id),
    searchMessages: (query) => data.search(query),
    pruneSessions: (batch) => data.prune(batch),
    importSession: (bundle) => data.import(bundle),
    getSessionKey: (id, key) => data.getSessionKey(id, key),
    getSessionKeys: (id) => data.getSessionKeys(id),
    stats: () => data.stats(),
    info: () => ({ backend: 'memory', schemaVersion: null, settings: {} }),
    close: () => undefined,
  }
}

/** Options of the memory store: none. */
export type MemoryOptions = Record<never, never>

/**
 * The memory backend: everything in this process, shared by both surfaces, kept across
 * `aclose()` for the life of its `PraisonAIDB`, gone with it.
 */
function memoryBackend(): Backend {
  const data = new MemoryData()
  return {
    description: 'memory:',
    capabilities: { syncSurface: true, reads: true, persistent: false },
    maxBatch: 100_000,
    groupCommit: false,
    ...sharedOpeners(() => memoryStore(data)),
  }
}

/** `memory:` — takes no path. */
function parseMemoryUrl(text: string): ConnectionUrl {
  const [target, query] = splitQuery(text)
  if (!/^memory:(\/\/)?$/i.test(target)) throw new ConfigError('URL_INVALID', `memory URL ${JSON.stringify(redactUrl(text))} takes no path; use "memory:"`)
  return connectionUrl({ scheme: 'memory', host: '', port: null, database: '', username: '', path: '', params: parseQuery(query, 'memory:'), redacted: redactUrl(text) }, '')
}

/** The memory store's definition: `memory:`. */
export const memoryDefinition: StoreDefinition<'memory', MemoryOptions> = {
  name: 'memory',
  schemes: ['memory'],
  parse: parseMemoryUrl,
  backend: () => memoryBackend(),
}
