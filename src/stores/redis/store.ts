import { decodeCursor, encodeCursor } from '../../core/cursor.js'
import { StoreError } from '../../core/errors.js'
import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, Session, StoreInfo, TimelineItem, ToolCall, Trace, TraceQuery,
} from '../../core/records.js'
import type { SessionListing, Store, WriteOp, WriteResult } from '../../core/store.js'
import { mergeTimeline } from '../../core/timeline.js'
import { encodeOp, toAgentStates, toFields, toMessages, toRun, toSession, toToolCalls, toTrace } from './codec.js'
import type { RedisConnection } from './driver.js'
import { listingMember, type RedisKeys } from './keys.js'
import { DELETE_SCRIPT, LIST_SCRIPT, RUNS_SCRIPT, TRACES_SCRIPT, WRITE_SCRIPT } from './scripts.js'

type Argument = string | number

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
    const reply = await connection.script(WRITE_SCRIPT, [this.#keys.prefix, ...ops.flatMap((op) => encodeOp(this.#keys, op))])
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
