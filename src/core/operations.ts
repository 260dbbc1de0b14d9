import { encodeOffsetCursor } from './cursor.js'
import type { Page, SearchHit, Session, TimelineItem } from './records.js'
import type { SearchListing, SessionBundle, Store, SyncStore } from './store.js'
import { toBundle } from './transfer.js'

// The parts of search, prune and export the async and sync surfaces share.

/** The listing's page size while an export walks every session. */
export const EXPORT_PAGE = 1000

/** The store is asked for one hit more than the page: it tells whether there is a next page. */
export const searchAsk = (q: SearchListing): SearchListing => ({ ...q, limit: q.limit + 1 })

/** A page of hits from what the store answered to `searchAsk`. */
export function searchPage(q: SearchListing, hits: readonly SearchHit[]): Page<SearchHit> {
  return { items: hits.slice(0, q.limit), nextCursor: hits.length > q.limit ? encodeOffsetCursor(q.offset + q.limit) : null }
}

/** Whether a listed session is exported: written at or after `since`. */
export const exportsSession = (since: string | undefined, session: Session): boolean => since === undefined || session.updatedAt >= since

function split(timeline: readonly TimelineItem[]): { messages: SessionBundle['messages']; toolCalls: SessionBundle['toolCalls'] } {
  const messages: SessionBundle['messages'][number][] = []
  const toolCalls: SessionBundle['toolCalls'][number][] = []
  for (const item of timeline) {
    if (item.kind === 'message') messages.push(item.message)
    else toolCalls.push(item.toolCall)
  }
  return { messages, toolCalls }
}

/** Everything of one session, read from the store (null when there is no such session). */
export async function readBundle(store: Store, id: string): Promise<SessionBundle | null> {
  const session = await store.getSession(id)
  if (session === null) return null
  const { messages, toolCalls } = split(await store.getTimeline(id, {}))
  return toBundle(session, messages, toolCalls, await store.getAgentStates(id), await store.getRuns(id, {}), await store.getTraces({ sessionId: id }), await store.getSessionKeys(id))
}

/** `readBundle` on the synchronous surface. */
export function readBundleSync(store: SyncStore, id: string): SessionBundle | null {
  const session = store.getSession(id)
  if (session === null) return null
  const { messages, toolCalls } = split(store.getTimeline(id, {}))
  return toBundle(session, messages, toolCalls, store.getAgentStates(id), store.getRuns(id, {}), store.getTraces({ sessionId: id }), store.getSessionKeys(id))
}
