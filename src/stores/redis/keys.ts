import { ConfigError } from '../../core/errors.js'

/** The key prefix used when none is given. */
export const DEFAULT_KEY_PREFIX = 'agentdb:'

const MAX_PREFIX_LENGTH = 100
// Printable ASCII without space: the prefix also goes into the connection name, and
// CLIENT SETNAME refuses anything outside '!'..'~' (https://redis.io/docs/latest/commands/client-setname/).
const PREFIX_PATTERN = /^[!-~]+$/

/**
 * Checks a `keyPrefix` option.
 * @throws ConfigError `OPTION_INVALID` unless it is 1 to 100 printable ASCII characters without spaces.
 */
export function checkKeyPrefix(prefix: string): string {
  if (prefix.length > MAX_PREFIX_LENGTH || !PREFIX_PATTERN.test(prefix)) {
    throw new ConfigError('OPTION_INVALID', `option keyPrefix must be 1 to ${MAX_PREFIX_LENGTH} printable ASCII characters without spaces, got ${JSON.stringify(prefix.slice(0, 80))}`)
  }
  return prefix
}

/**
 * The key layout under one prefix (docs/redis.md). Every key is `<prefix><tag>:<rest>` with a
 * tag free of ':', so the tag ends at the first ':' after the prefix and no two kinds of key
 * can collide, whatever bytes a session id holds. The Lua scripts build the same keys.
 */
export class RedisKeys {
  readonly prefix: string

  constructor(prefix: string) {
    this.prefix = prefix
  }

  /** Hash of one session's fields, `lastSeq` included. */
  session(sessionId: string): string {
    return `${this.prefix}s:${sessionId}`
  }

  /** Sorted set of a session's messages: score seq, member the message's JSON. */
  messages(sessionId: string): string {
    return `${this.prefix}m:${sessionId}`
  }

  /** Sorted set of a session's tool calls: score seq, member the tool call's JSON. */
  toolCalls(sessionId: string): string {
    return `${this.prefix}t:${sessionId}`
  }

  /** Hash of a session's keys (`setSessionKey`): field `v<name>` the value, `t<name>` when it was set. */
  sessionKeys(sessionId: string): string {
    return `${this.prefix}kv:${sessionId}`
  }

  /** Hash of a session's agent states: field `[name, agentId]` as JSON, value the state's JSON. */
  agentStates(sessionId: string): string {
    return `${this.prefix}a:${sessionId}`
  }

  /** Hash of one run: its fields (`metrics`, `metadata` as JSON), a null field absent. */
  run(sessionId: string, runId: string): string {
    return `${this.prefix}r:${byteLength(sessionId)}:${sessionId}${runId}`
  }

  /** Sorted set of a session's runs: score 0, member `recordMember(startedAt, runId, sessionId)`. */
  runs(sessionId: string): string {
    return `${this.prefix}rs:${sessionId}`
  }

  /** Hash of one trace of a session, as a run's. */
  trace(sessionId: string, traceId: string): string {
    return `${this.prefix}x:${byteLength(sessionId)}:${sessionId}${traceId}`
  }

  /** Sorted set of the traces of a session, of a user, or of every session: members as `runs`. */
  traces(filter: { readonly sessionId: string } | { readonly userId: string } | 'all'): string {
    if (filter === 'all') return `${this.prefix}xl:all`
    return 'sessionId' in filter ? `${this.prefix}xs:${filter.sessionId}` : `${this.prefix}xu:${filter.userId}`
  }

  /** Hash of one span of a session's trace, as a run's. */
  span(sessionId: string, traceId: string, spanId: string): string {
    return `${this.prefix}p:${byteLength(sessionId)}:${byteLength(traceId)}:${sessionId}${traceId}${spanId}`
  }

  /** Sorted set of the spans of a session's trace: score 0, member `spanMember(startedAt, spanId)`. */
  spans(sessionId: string, traceId: string): string {
    return `${this.prefix}ps:${byteLength(sessionId)}:${sessionId}${traceId}`
  }

  /** Set of the trace ids a session has spans of (what `deleteSession` removes). */
  spanTraces(sessionId: string): string {
    return `${this.prefix}pt:${sessionId}`
  }

  /** The layout version, checked on open. */
  version(): string {
    return `${this.prefix}v:layout`
  }

  /** The session index that serves a listing with these filters (members `<createdAt>\0<id>`, score 0). */
  listing(userId: string | undefined, agentId: string | undefined): string {
    if (userId !== undefined && agentId !== undefined) return `${this.prefix}ug:${byteLength(userId)}:${userId}${agentId}`
    if (userId !== undefined) return `${this.prefix}u:${userId}`
    if (agentId !== undefined) return `${this.prefix}g:${agentId}`
    return `${this.prefix}l:all`
  }
}

/** Bytes of UTF-8: how the Lua scripts measure a string (`#s`) to build the same keys. */
const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8')

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex')

/**
 * The member of a run or trace in its indexes: `<startedAt>\0<hex id>\0<hex sessionId>`.
 * Lexical order is (startedAt, id bytes) order (hex keeps byte order and holds no NUL), and a
 * script finds the record's hash from the member alone.
 */
export function recordMember(startedAt: string, id: string, sessionId: string): string {
  return `${startedAt}\u0000${hex(id)}\u0000${hex(sessionId)}`
}

/** The member of a span in its trace's index: `<startedAt>\0<hex spanId>`, in (startedAt, id) order. */
export function spanMember(startedAt: string, spanId: string): string {
  return `${startedAt}\u0000${hex(spanId)}`
}

/** The member of a session in the listing indexes: lexical order is (createdAt, id) order. */
export function listingMember(createdAt: string, sessionId: string): string {
  return `${createdAt}\u0000${sessionId}`
}
