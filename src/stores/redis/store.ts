import { decodeCursor, encodeCursor } from '../../core/cursor.js'
import { StoreError, historyConflict } from '../../core/errors.js'
import { pruneSelection } from '../../core/prune.js'
import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from '../../core/records.js'
import { matchScore, rankHits, searchesSession } from '../../core/search.js'
import { takesSeq, type ImportOutcome, type PruneBatch, type SearchListing, type SessionBundle, type SessionListing, type Store, type WriteOp, type WriteResult } from '../../core/store.js'
import { mergeTimeline } from '../../core/timeline.js'
import { bundleSize } from '../../core/transfer.js'
import { encodeOp, importArgs, toAgentStates, toFields, toMessages, toRun, toSession, toSessionKeys, toToolCalls, toTrace } from './codec.js'
import type { RedisConnection } from './driver.js'
import { listingMember, type RedisKeys } from './keys.js'
import { DELETE_SCRIPT, IMPORT_SCRIPT, LIST_SCRIPT, RUNS_SCRIPT, TRACES_SCRIPT, WRITE_SCRIPT } from './scripts.js'

type Argument = string | number

/**
 * The most messages one search reads: Redis has no full-text index here, so a search scans
 * the sessions the filters allow, newest first, and stops after this many messages.
 */
export const SEARCH_SCAN_LIMIT = 200_000

/** Sessions read per round trip by the scans (search, prune, stats). */
const SCAN_CHUNK = 100

/**
 * Whether an edit with an expected last seq follows another write of its session in the
 * batch: the write script checks every expectation before it writes anything (a Lua script
 * that fails halfway keeps what it wrote), against the stored records, which such an edit
 * would not see as the earlier write leaves them.
 */
function editFollowsItsSession(ops: readonly WriteOp[]): boolean {
  if (ops.length < 2) return false
  const written = new Set<string>()
  for (const op of ops) {
    if (op.type === 'edit' && op.edit.expectLastSeq !== undefined && written.has(op.session.id)) return true
    if (takesSeq(op) || op.type === 'edit') written.add(op.session.id)
  }
  return false
}

/** The session id of a listing member (`<createdAt>\0<id>`). */
const memberSession = (member: string): string => member.slice(member.indexOf('\u0000') + 1)

/** ZRANGEBYSCORE arguments for a history range: oldest first, or newest first when limited. */
function historyRange(key: string, query: HistoryQuery): [string, ...Argument[]] {
  const min = query.afterSeq === undefined ? '-inf' : `(${query.afterSeq}`
  const max = query.beforeSeq === undefined ? '+inf' : `(${query.beforeSeq}`
  return query.limit === undefined ? ['zrangebyscore', key, min, max] : ['zrevrangebyscore', key, max, min, 'LIMIT', 0, query.limit]
}

/** The records of a history range in ascending seq. */
function historyItems<T>(items: T[], query: HistoryQuery): T[] {
  return query.limit === undefined ? items : items.reverse()
}

function asList(reply: unknown, where: string, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new StoreError('STORE_FAILED', `${where} answered a ${what} read with an unexpected reply`)
  return reply
}

/**
 * The Redis store: a session is a handful of keys under the prefix (docs/redis.md). A write
 * batch is one Lua script, so it is atomic and costs one round trip; reads are single
 * commands or one MULTI, each O(log n + items read).
 *
 * @throws StoreUnavailableError when Redis cannot be reached (the core retries it).
 * @throws StoreError `STORE_FAILED` when Redis refuses a command.
 */
export class RedisStore implements Store {
  readonly #connection: RedisConnection
  readonly #keys: RedisKeys
  readonly #where: string
  #closed = false

  constructor(connection: RedisConnection, keys: RedisKeys, where: string) {
    this.#connection = connection
    this.#keys = keys
    this.#where = where
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult> {
    const connection = this.#connection
    if (ops.length === 0) return []
    if (editFollowsItsSession(ops)) {
      // the queue then writes each op of the batch alone (core/write-queue.ts); never a single op
      throw new StoreError('STORE_FAILED', 'an edit with expectLastSeq that follows a write of its session in one batch is written on its own on Redis; write the batch one op at a time')
    }
    const reply = await connection.script(WRITE_SCRIPT, [this.#keys.prefix, ...ops.flatMap((op) => encodeOp(this.#keys, op))])
    if (Array.isArray(reply) && reply[0] === 'conflict') {
      const op = ops[Number(reply[1]) - 1]
      if (op?.type === 'edit') throw historyConflict(op.session.id, op.edit.expectLastSeq ?? null, Number(reply[2]))
    }
    if (!Array.isArray(reply) || reply.length !== ops.length || !reply.every((seq): seq is number => typeof seq === 'number')) {
      throw new StoreError('STORE_FAILED', `${this.#where} answered a write with an unexpected reply`)
    }
    return reply
  }

  async getSession(sessionId: string): Promise<Session | null> {
    const reply = await this.#connection.command('HGETALL', this.#keys.session(sessionId))
    return toSession(toFields(reply, this.#where), this.#where)
  }

  async listSessions(query: SessionListing): Promise<Page<Session>> {
    const connection = this.#connection
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    const upper = cursor === null ? '+' : `(${listingMember(cursor.createdAt, cursor.id)}`
    const index = this.#keys.listing(query.userId, query.agentId)
    const reply = await connection.script(LIST_SCRIPT, [this.#keys.prefix, index, upper, query.limit + 1])
    if (!Array.isArray(reply)) throw new StoreError('STORE_FAILED', `${this.#where} answered a listing with an unexpected reply`)
    const sessions = reply.map((fields: unknown) => toSession(toFields(fields, this.#where), this.#where)).filter((s): s is Session => s !== null)
    const items = sessions.slice(0, query.limit)
    const last = items[items.length - 1]
    return { items, nextCursor: sessions.length > query.limit && last ? encodeCursor(last) : null }
  }

  async getMessages(sessionId: string, query: HistoryQuery): Promise<readonly Message[]> {
    const reply = await this.#connection.command(...historyRange(this.#keys.messages(sessionId), query))
    return historyItems(toMessages(reply, this.#where), query)
  }

  async getToolCalls(sessionId: string, query: HistoryQuery): Promise<readonly ToolCall[]> {
    const reply = await this.#connection.command(...historyRange(this.#keys.toolCalls(sessionId), query))
    return historyItems(toToolCalls(reply, this.#where), query)
  }

  /** Both histories over the range (each limited to the last N) in one MULTI, merged by seq. */
  async getTimeline(sessionId: string, query: HistoryQuery): Promise<readonly TimelineItem[]> {
    const [messages, toolCalls] = await this.#connection.transaction([
      historyRange(this.#keys.messages(sessionId), query),
      historyRange(this.#keys.toolCalls(sessionId), query),
    ])
    return mergeTimeline(historyItems(toMessages(messages, this.#where), query), historyItems(toToolCalls(toolCalls, this.#where), query), query)
  }

  async getAgentStates(sessionId: string): Promise<readonly AgentState[]> {
    return toAgentStates(await this.#connection.command('HGETALL', this.#keys.agentStates(sessionId)), this.#where)
  }

  /** The session's runs index newest first, each run's hash read in the same script. */
  async getRuns(sessionId: string, query: RunQuery): Promise<readonly Run[]> {
    const last = query.limit === undefined ? -1 : query.limit - 1
    const reply = await this.#connection.script(RUNS_SCRIPT, [this.#keys.prefix, sessionId, last])
    return asList(reply, this.#where, 'runs').map((run) => toRun(run, this.#where))
  }

  /** The narrowest trace index newest first (a session's, filtered by user when both are given), with spans, in one script. */
  async getTraces(query: TraceQuery): Promise<readonly Trace[]> {
    const index = query.sessionId !== undefined ? this.#keys.traces({ sessionId: query.sessionId })
      : query.userId !== undefined ? this.#keys.traces({ userId: query.userId }) : this.#keys.traces('all')
    const user = query.sessionId !== undefined && query.userId !== undefined ? query.userId : ''
    const reply = await this.#connection.script(TRACES_SCRIPT, [this.#keys.prefix, index, query.limit ?? -1, user])
    return asList(reply, this.#where, 'traces').map((trace) => toTrace(trace, this.#where))
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    return (await this.#connection.script(DELETE_SCRIPT, [this.#keys.prefix, sessionId])) === 1
  }

  /** Session ids of a listing index (all, a user's, an agent's, or both), newest first. */
  async #sessionIds(userId?: string, agentId?: string): Promise<string[]> {
    const reply = await this.#connection.command('ZREVRANGEBYLEX', this.#keys.listing(userId, agentId), '+', '-')
    return asList(reply, this.#where, 'listing').map((member) => memberSession(String(member)))
  }

  /** Sessions by id, read a chunk per MULTI. */
  async #sessions(ids: readonly string[]): Promise<Session[]> {
    const sessions: Session[] = []
    for (let start = 0; start < ids.length; start += SCAN_CHUNK) {
      const replies = await this.#connection.transaction(ids.slice(start, start + SCAN_CHUNK).map((id) => ['call', 'HGETALL', this.#keys.session(id)]))
      for (const reply of replies) {
        const session = toSession(toFields(reply, this.#where), this.#where)
        if (session !== null) sessions.push(session)
      }
    }
    return sessions
  }

  /**
   * A bounded scan (see `SEARCH_SCAN_LIMIT`): the messages of the sessions the filters allow,
   * newest session first, matched with the memory store's rules.
   */
  async searchMessages(query: SearchListing): Promise<readonly SearchHit[]> {
    const ids = query.sessionId !== undefined ? [query.sessionId] : await this.#sessionIds(query.userId, query.agentId)
    const scored: { score: number; message: Message }[] = []
    let scanned = 0
    for (let start = 0; start < ids.length && scanned < SEARCH_SCAN_LIMIT; start += SCAN_CHUNK) {
      const chunk = ids.slice(start, start + SCAN_CHUNK)
      const sessions = query.sessionId !== undefined && (query.userId !== undefined || query.agentId !== undefined) ? await this.#sessions(chunk) : null
      const allowed = sessions === null ? chunk : sessions.filter((s) => searchesSession(query, s)).map((s) => s.id)
      if (allowed.length === 0) continue
      const replies = await this.#connection.transaction(allowed.map((id) => ['zrange', this.#keys.messages(id), 0, -1]))
      for (const reply of replies) {
        for (const message of toMessages(reply, this.#where)) {
          scanned += 1
          const score = matchScore(query.words, message.content)
          if (score > 0) scored.push({ score, message })
        }
      }
    }
    return rankHits(scored, query)
  }

  /** Scans the session index (a user's, when given) for the batch; deletes the batch's sessions in one MULTI of delete scripts. */
  async pruneSessions(batch: PruneBatch): Promise<readonly Session[]> {
    const selected = pruneSelection(batch, await this.#sessions(await this.#sessionIds(batch.userId)))
    if (!batch.dryRun && selected.length > 0) {
      await this.#connection.transaction(selected.map((s) => ['eval', DELETE_SCRIPT.lua, 0, this.#keys.prefix, s.id]))
    }
    return selected
  }

  async importSession(bundle: SessionBundle): Promise<ImportOutcome> {
    const reply = await this.#connection.script(IMPORT_SCRIPT, [this.#keys.prefix, ...importArgs(this.#keys, bundle)])
    const [added, seq] = asList(reply, this.#where, 'import').map(Number)
    if (added === -1) throw new StoreError('IMPORT_CONFLICT', `session ${JSON.stringify(bundle.session.id)} already has a record at seq ${seq}; nothing of it was imported`)
    if (added === undefined || !Number.isInteger(added)) throw new StoreError('STORE_FAILED', `${this.#where} answered an import with an unexpected reply`)
    return { added, skipped: bundleSize(bundle) - added }
  }

  async getSessionKey(sessionId: string, key: string): Promise<string | null> {
    const reply = await this.#connection.command('HGET', this.#keys.sessionKeys(sessionId), `v${key}`)
    return reply === null ? null : String(reply)
  }

  async getSessionKeys(sessionId: string): Promise<readonly SessionKey[]> {
    return toSessionKeys(sessionId, await this.#connection.command('HGETALL', this.#keys.sessionKeys(sessionId)), this.#where)
  }

  /** Counts by scanning every session's keys (a round trip per chunk of sessions). */
  async stats(): Promise<StoreStats> {
    const ids = await this.#sessionIds()
    const counts = { sessions: 0, messages: 0, toolCalls: 0, agentStates: 0, runs: 0, traces: 0, spans: 0 }
    let oldest: string | null = null
    let newest: string | null = null
    const k = this.#keys
    for (let start = 0; start < ids.length; start += SCAN_CHUNK) {
      const chunk = ids.slice(start, start + SCAN_CHUNK)
      const replies = await this.#connection.transaction(chunk.flatMap((id) => [
        ['hmget', k.session(id), 'createdAt', 'updatedAt'], ['zcard', k.messages(id)], ['zcard', k.toolCalls(id)], ['hlen', k.agentStates(id)],
        ['zcard', k.runs(id)], ['zcard', k.traces({ sessionId: id })], ['smembers', k.spanTraces(id)],
      ]))
      const spanCounts: Argument[][] = []
      chunk.forEach((id, index) => {
        const [times, messages, toolCalls, states, runs, traces, spanTraces] = replies.slice(index * 7, index * 7 + 7)
        const [createdAt, updatedAt] = asList(times, this.#where, 'session').map((v) => (v === null ? null : String(v)))
        if (createdAt === null || createdAt === undefined) return
        counts.sessions += 1
        counts.messages += Number(messages)
        counts.toolCalls += Number(toolCalls)
        counts.agentStates += Number(states)
        counts.runs += Number(runs)
        counts.traces += Number(traces)
        for (const traceId of asList(spanTraces, this.#where, 'span traces')) spanCounts.push(['zcard', k.spans(id, String(traceId))])
        if (oldest === null || createdAt < oldest) oldest = createdAt
        if (updatedAt !== null && updatedAt !== undefined && (newest === null || updatedAt > newest)) newest = updatedAt
      })
      if (spanCounts.length > 0) for (const n of await this.#connection.transaction(spanCounts)) counts.spans += Number(n)
    }
    return { ...counts, oldestSession: oldest, newestActivity: newest }
  }

  /** The key layout's version and the server's, read from Redis. */
  async info(): Promise<StoreInfo> {
    const [layout, server] = await Promise.all([
      this.#connection.command('GET', this.#keys.version()),
      this.#connection.command('INFO', 'server'),
    ])
    const version = /^redis_version:(.+)$/m.exec(String(server))?.[1]?.trim() ?? null
    return { backend: 'redis', schemaVersion: layout === null ? null : Number(layout), settings: { serverVersion: version, keyPrefix: this.#keys.prefix } }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#connection.close()
  }
}
