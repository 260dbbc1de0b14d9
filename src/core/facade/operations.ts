// One job: the facade's operations over many sessions: search, prune, export and import, each
// twin sharing its parts (a plan, a page, a tally) with the other.
import { encodeOffsetCursor } from '../cursor.js'
import type {
  ExportQuery, ExportRecord, ImportResult, Page, PruneQuery, PruneResult, SearchHit, SearchQuery, Session, TimelineItem,
} from '../records.js'
import { normaliseExport, normaliseListing, normalisePrune, normaliseSearch } from '../queries.js'
import type { ImportOutcome, PruneBatch, SearchListing, SessionBundle, Store, SyncStore } from '../store.js'
import { BundleReader, EXPORT_HEADER, bundleRecords, toBundle } from '../transfer.js'
import type { SessionAccess } from '../user-scope.js'
import { rejecting, runPlan, runPlanSync, type Plan } from './plan.js'

/** `ProgressOptions` (told how many records or sessions are done so far), called as its method. */
interface Progress {
  readonly onProgress?: ((done: number) => void) | undefined
}

/** The listing's page size while an export walks every session. */
const EXPORT_PAGE = 1000

/** The store is asked for one hit more than the page: it tells whether there is a next page. */
const searchAsk = (q: SearchListing): SearchListing => ({ ...q, limit: q.limit + 1 })

/** A page of hits from what the store answered to `searchAsk`. */
function searchPage(q: SearchListing, hits: readonly SearchHit[]): Page<SearchHit> {
  return { items: hits.slice(0, q.limit), nextCursor: hits.length > q.limit ? encodeOffsetCursor(q.offset + q.limit) : null }
}

/** Whether a listed session is exported: written at or after `since`. */
const exportsSession = (since: string | undefined, session: Session): boolean => since === undefined || session.updatedAt >= since

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
async function readBundle(store: Store, id: string): Promise<SessionBundle | null> {
  const session = await store.getSession(id)
  if (session === null) return null
  const { messages, toolCalls } = split(await store.getTimeline(id, {}))
  return toBundle(session, messages, toolCalls, await store.getAgentStates(id), await store.getRuns(id, {}), await store.getTraces({ sessionId: id }), await store.getSessionKeys(id))
}

/** `readBundle` on the synchronous surface. */
function readBundleSync(store: SyncStore, id: string): SessionBundle | null {
  const session = store.getSession(id)
  if (session === null) return null
  const { messages, toolCalls } = split(store.getTimeline(id, {}))
  return toBundle(session, messages, toolCalls, store.getAgentStates(id), store.getRuns(id, {}), store.getTraces({ sessionId: id }), store.getSessionKeys(id))
}

// ---- search --------------------------------------------------------------------------------

/** `searchMessages`: a query without words matches nothing and asks the store nothing. */
export function search(access: SessionAccess, query: SearchQuery): Promise<Page<SearchHit>> {
  return rejecting(async () => {
    const q = normaliseSearch(query)
    if (q.words.length === 0) return { items: [], nextCursor: null }
    return searchPage(q, await access.read((s) => s.searchMessages(searchAsk(q))))
  })
}

/** `searchMessagesSync`. */
export function searchSync(access: SessionAccess, query: SearchQuery): Page<SearchHit> {
  const q = normaliseSearch(query)
  if (q.words.length === 0) return { items: [], nextCursor: null }
  return searchPage(q, access.readSync((s) => s.searchMessages(searchAsk(q))))
}

// ---- prune: batches until one comes back short ---------------------------------------------

function* prunePlan(first: PruneBatch, progress: Progress): Plan<PruneBatch, readonly Session[], PruneResult> {
  const sessions: Session[] = []
  for (let batch = first; ;) {
    const pruned = yield batch
    sessions.push(...pruned)
    progress.onProgress?.(sessions.length)
    if (pruned.length < batch.limit) return { dryRun: batch.dryRun, sessions }
    batch = { ...batch, afterId: pruned[pruned.length - 1]!.id }
  }
}

/** `pruneSessions`: each batch is its own read (one transaction), after the writes queued before it. */
export function prune(access: SessionAccess, query: PruneQuery, progress: Progress): Promise<PruneResult> {
  return rejecting(() => runPlan(prunePlan(normalisePrune(query), progress), (batch) => access.read((s) => s.pruneSessions(batch), true)))
}

/** `pruneSessionsSync`. */
export function pruneSync(access: SessionAccess, query: PruneQuery, progress: Progress): PruneResult {
  return runPlanSync(prunePlan(normalisePrune(query), progress), (batch) => access.readSync((s) => s.pruneSessions(batch), true))
}

// ---- export: a header, then each session's records, read when the iteration reaches it -----

/** `exportSessions`. */
export async function* exportAll(access: SessionAccess, query: ExportQuery | undefined): AsyncGenerator<ExportRecord, void, undefined> {
  const q = normaliseExport(query)
  yield EXPORT_HEADER
  const one = async function* (id: string): AsyncGenerator<ExportRecord> {
    const bundle = await access.read((s) => readBundle(s, id))
    if (bundle !== null) yield* bundleRecords(bundle)
  }
  if (q.sessionIds !== undefined) {
    for (const id of q.sessionIds) yield* one(id)
    return
  }
  let cursor: string | null = null
  do {
    const listing = normaliseListing({ userId: q.userId, limit: EXPORT_PAGE, cursor })
    const page: Page<Session> = await access.read((s) => s.listSessions(listing))
    for (const session of page.items) if (exportsSession(q.since, session)) yield* one(session.id)
    cursor = page.nextCursor
  } while (cursor !== null)
}

/** `exportSessionsSync`. */
export function* exportAllSync(access: SessionAccess, query: ExportQuery | undefined): Generator<ExportRecord, void, undefined> {
  const q = normaliseExport(query)
  yield EXPORT_HEADER
  const one = (id: string): ExportRecord[] => {
    const bundle = access.readSync((s) => readBundleSync(s, id))
    return bundle === null ? [] : bundleRecords(bundle)
  }
  if (q.sessionIds !== undefined) {
    for (const id of q.sessionIds) yield* one(id)
    return
  }
  let cursor: string | null = null
  do {
    const listing = normaliseListing({ userId: q.userId, limit: EXPORT_PAGE, cursor })
    const page: Page<Session> = access.readSync((s) => s.listSessions(listing))
    for (const session of page.items) if (exportsSession(q.since, session)) yield* one(session.id)
    cursor = page.nextCursor
  } while (cursor !== null)
}

// ---- import: records gathered into whole sessions, each written in one transaction ----------

/** What an import has written so far. */
class ImportTally {
  readonly reader = new BundleReader()
  readonly totals = { sessions: 0, added: 0, skipped: 0 }
  add(outcome: ImportOutcome): void {
    this.totals.sessions += 1
    this.totals.added += outcome.added
    this.totals.skipped += outcome.skipped
  }
}

/** `importRecords`. */
export function importAll(access: SessionAccess, records: Iterable<unknown> | AsyncIterable<unknown>, progress: Progress): Promise<ImportResult> {
  return rejecting(async () => {
    const tally = new ImportTally()
    const write = async (bundle: SessionBundle | undefined): Promise<void> => {
      if (bundle !== undefined) tally.add(await access.read((s) => s.importSession(bundle), true))
    }
    let done = 0
    for await (const record of records) {
      await write(tally.reader.push(record))
      progress.onProgress?.(++done)
    }
    await write(tally.reader.finish())
    return tally.totals
  })
}

/** `importRecordsSync`. */
export function importAllSync(access: SessionAccess, records: Iterable<unknown>, progress: Progress): ImportResult {
  const tally = new ImportTally()
  const write = (bundle: SessionBundle | undefined): void => {
    if (bundle !== undefined) tally.add(access.readSync((s) => s.importSession(bundle)))
  }
  let done = 0
  for (const record of records) {
    write(tally.reader.push(record))
    progress.onProgress?.(++done)
  }
  write(tally.reader.finish())
  return tally.totals
}
