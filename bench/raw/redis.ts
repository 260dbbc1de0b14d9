import { Redis } from 'ioredis'
import type { Prepared, ThroughputCase } from '../case.js'
import type { HistoryReader } from '../history.js'
import { REDIS, uniqueName } from '../targets.js'
import { batches, total, type Shape } from '../workload.js'
import { BATCH_ROWS, batchRole, rawRow, sessionKey } from './rows.js'

/**
 * The raw Redis layout, like the library's: a sorted set per session (score seq, member the
 * message's JSON) and a hash per session holding its last seq.
 */
interface RedisRaw {
  readonly client: Redis
  readonly prefix: string
  close(): Promise<void>
}

/** Connects and picks a fresh key prefix; `close()` removes every key under it. */
export async function openRedisRaw(kind = 'raw_redis'): Promise<RedisRaw> {
  const prefix = `${uniqueName(kind)}:`
  const client = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => undefined) // surfaced by the next command
  await client.connect()
  return { client, prefix, close: async () => { try { await deleteKeys(client, prefix) } finally { client.disconnect() } } }
}

/** Removes every key under a prefix (SCAN + UNLINK). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    if (keys.length > 0) await client.unlink(...keys)
    cursor = next
  } while (cursor !== '0')
}

function messageJson(s: number, m: number): { key: string; seq: number; json: string } {
  const [id, sessionId, seq, role, content, metadata, createdAt] = rawRow(s, m)
  return { key: sessionId, seq, json: JSON.stringify({ id, sessionId, seq, role, content, metadata: JSON.parse(metadata) as unknown, createdAt, runId: null }) }
}

/** MULTI/EXEC of `size` ZADDs plus one HSET of last seq per session touched; 500 is the ceiling. */
export function redisCeiling(backend: string, shape: Shape, size = BATCH_ROWS): ThroughputCase {
  const { keyPart, role } = batchRole(size)
  return {
    key: `${backend}/${keyPart}/batch`, backend, label: `raw ioredis MULTI ${size} ZADD+HSET`, role,
    shape: `batch ${size}`, messages: total(shape),
    prepare: async () => {
      const raw = await openRedisRaw()
      const prepared: Prepared = {
        run: async () => {
          for (const batch of batches(shape, size)) {
            const multi = raw.client.multi()
            const lastSeq = new Map<string, number>()
            for (const [s, m] of batch) {
              const { key, seq, json } = messageJson(s, m)
              multi.zadd(`${raw.prefix}m:${key}`, seq, json)
              lastSeq.set(key, seq)
            }
            for (const [key, seq] of lastSeq) multi.hset(`${raw.prefix}s:${key}`, 'lastSeq', seq)
            await multi.exec()
          }
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** One awaited ZADD per message. */
export function redisNaive(backend: string, shape: Shape): ThroughputCase {
  return {
    key: `${backend}/raw-naive/sequential`, backend, label: 'raw ioredis ZADD per message', role: 'naive',
    shape: 'naive loop', messages: total(shape),
    prepare: async () => {
      const raw = await openRedisRaw()
      const prepared: Prepared = {
        run: async () => {
          for (let s = 0; s < shape.sessions; s++) {
            for (let m = 0; m < shape.messages; m++) {
              const { key, seq, json } = messageJson(s, m)
              await raw.client.zadd(`${raw.prefix}m:${key}`, seq, json)
            }
          }
        },
        close: () => raw.close(),
      }
      return prepared
    },
  }
}

/** The raw equivalent of `getMessages(id, { limit: 50 })`: the last 50 members by score, parsed. */
export async function openRedisHistory(messages: number, limit: number): Promise<HistoryReader> {
  const raw = await openRedisRaw()
  const key = `${raw.prefix}m:${sessionKey(0)}`
  for (const batch of batches({ sessions: 1, messages }, BATCH_ROWS)) {
    const multi = raw.client.multi()
    for (const [s, m] of batch) {
      const message = messageJson(s, m)
      multi.zadd(key, message.seq, message.json)
    }
    await multi.exec()
  }
  return {
    label: 'raw ioredis ZRANGE',
    read: async () => {
      const members = await raw.client.zrange(key, String(-limit), '-1')
      return members.map((m) => JSON.parse(m) as unknown).length
    },
    close: () => raw.close(),
  }
}
