import { StoreError, type PraisonAIDB, type TimelineItem } from '../../index.js'
import { itemOf, itemType } from './projection.js'

type Item = Record<string, unknown>

/** A stored item with the record that holds it. */
export interface Entry {
  readonly seq: number
  readonly item: Item
  readonly record: TimelineItem
}

/** The last stored items of a session, and whether they reach back to its first record. */
export interface Tail {
  readonly entries: readonly Entry[]
  readonly complete: boolean
  /** The seq of the session's newest record (an item or not); null when it holds none. */
  readonly lastSeq: number | null
}

const FIRST_READ = 32

/** An edit's `afterSeq` that no record reaches: it keeps everything and appends. */
export const KEEP_ALL = Number.MAX_SAFE_INTEGER
/** How often an edit guarded by the last seq starts over when another writer changed the tail in between. */
export const MAX_ATTEMPTS = 50

/** Whether an edit failed because the session's tail was not the one it expected. */
export const isConflict = (error: unknown): boolean => error instanceof StoreError && error.code === 'HISTORY_CONFLICT'

/** The items of timeline records, in order (records holding none are left out). */
export function entriesOf(timeline: readonly TimelineItem[]): Entry[] {
  const entries: Entry[] = []
  for (const record of timeline) {
    const item = itemOf(record)
    if (item !== null) entries.push({ seq: record.seq, item, record })
  }
  return entries
}

/** Every stored item of the session, in order. */
export async function readAll(db: PraisonAIDB, sessionId: string): Promise<Entry[]> {
  return entriesOf(await db.getTimeline(sessionId))
}

/** At least the last `count` items of the session (fewer only when it holds fewer), oldest first. */
export async function readTail(db: PraisonAIDB, sessionId: string, count: number): Promise<Tail> {
  let limit = Math.max(FIRST_READ, count)
  for (;;) {
    const timeline = await db.getTimeline(sessionId, { limit })
    const complete = timeline.length < limit
    const entries = entriesOf(timeline)
    if (complete || entries.length >= count) return { entries, complete, lastSeq: timeline[timeline.length - 1]?.seq ?? null }
    limit *= 4
  }
}

const isResult = (item: Item): boolean => typeof item['callId'] === 'string' && /_(result|output)$/.test(itemType(item))

/**
 * Where a window of the last `count` entries starts so that it does not begin inside a tool
 * exchange: moved back to the earliest call whose result it holds. Undefined when a call lies
 * before `entries` and more must be read (`complete` false).
 */
function windowStart(entries: readonly Entry[], count: number, complete: boolean): number | undefined {
  let start = Math.max(0, entries.length - count)
  for (;;) {
    const calls = new Set<unknown>()
    const missing = new Set<unknown>()
    for (let i = start; i < entries.length; i++) {
      const item = entries[i]!.item
      if (isResult(item)) {
        if (!calls.has(item['callId'])) missing.add(item['callId'])
      } else if (typeof item['callId'] === 'string') {
        calls.add(item['callId'])
      }
    }
    if (missing.size === 0) return start
    let earliest = start
    for (let i = start - 1; i >= 0; i--) {
      const item = entries[i]!.item
      if (!isResult(item) && missing.has(item['callId'])) {
        missing.delete(item['callId'])
        earliest = i
      }
    }
    if (missing.size > 0 && !complete) return undefined
    if (earliest === start) return start
    start = earliest
  }
}

/**
 * The last `count` items, oldest first, widened back so that the window holds the call of
 * every tool result in it (a model refuses a result whose call it never saw).
 */
export async function readWindow(db: PraisonAIDB, sessionId: string, count: number): Promise<Item[]> {
  let want = count
  for (;;) {
    const { entries, complete } = await readTail(db, sessionId, want)
    const start = windowStart(entries, count, complete)
    if (start !== undefined) return entries.slice(start).map((e) => e.item)
    want = entries.length * 4
  }
}
