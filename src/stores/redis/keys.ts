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

  /** Hash of a session's agent states: field `[name, agentId]` as JSON, value the state's JSON. */
  agentStates(sessionId: string): string {
    return `${this.prefix}a:${sessionId}`
  }

  /** The layout version, checked on open. */
  version(): string {
    return `${this.prefix}v:layout`
  }

  /** The session index that serves a listing with these filters (members `<createdAt>\0<id>`, score 0). */
  listing(userId: string | undefined, agentId: string | undefined): string {
    if (userId !== undefined && agentId !== undefined) return `${this.prefix}ug:${Buffer.byteLength(userId, 'utf8')}:${userId}${agentId}`
    if (userId !== undefined) return `${this.prefix}u:${userId}`
    if (agentId !== undefined) return `${this.prefix}g:${agentId}`
    return `${this.prefix}l:all`
  }
}

/** The member of a session in the listing indexes: lexical order is (createdAt, id) order. */
export function listingMember(createdAt: string, sessionId: string): string {
  return `${createdAt}\u0000${sessionId}`
}
