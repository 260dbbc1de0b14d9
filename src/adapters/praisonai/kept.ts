import { StoreError, type PraisonAIDB } from '../../index.js'
import { checkRecord, checkSameId, invalid } from './checks.js'

// Runs, traces and spans are written twice: as agentdb records (so `getRuns`, `getTraces`, the
// CLI and the viewer show them) and verbatim, as JSON under a session key, which is what
// praisonai reads back. agentdb's records cannot change once ended, and only their end may
// change them at all; praisonai updates a record in any state (`pending` → `running` …).

export type KeptKind = 'run' | 'trace' | 'span'

const keyOf = (kind: KeptKind, id: string): string => `praisonai:${kind}:${id}`

/** Largest kept record: a session key's value holds at most 64 KiB. */
const MAX_KEPT_BYTES = 64 * 1024

/** A record's JSON text, refused before anything is written when a session key cannot hold it. */
function keptText(kind: KeptKind, record: unknown): string {
  const text = JSON.stringify(record)
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_KEPT_BYTES) invalid(`a ${kind} must fit in ${MAX_KEPT_BYTES} bytes of JSON (its metadata or attributes are too large), got ${bytes}`)
  return text
}

/** Attempts of an update that lost a race with another update of the same record. */
const MAX_ATTEMPTS = 8

/** The kept JSON text of a record, or null. */
export function readKeptText(db: PraisonAIDB, sessionId: string, kind: KeptKind, id: string): Promise<string | null> {
  return db.getSessionKey(sessionId, keyOf(kind, id))
}

/** The kept record, or undefined. */
export async function readKept<T>(db: PraisonAIDB, sessionId: string, kind: KeptKind, id: string): Promise<T | undefined> {
  const text = await readKeptText(db, sessionId, kind, id)
  return text === null ? undefined : JSON.parse(text) as T
}

/**
 * Creates a record: its agentdb projection, then its kept JSON. A record whose id is kept
 * already is left as it is (the first create stands; a retried create adds nothing).
 */
export async function createKept<T>(db: PraisonAIDB, sessionId: string, kind: KeptKind, id: string, record: T, project: (record: T) => Promise<void>): Promise<void> {
  const text = keptText(kind, record)
  if (await readKeptText(db, sessionId, kind, id) !== null) return
  await project(record)
  await db.setSessionKey(sessionId, keyOf(kind, id), text, { expect: null })
}

/**
 * Updates a record: merges `updates` (fields given as undefined are left alone; the id fields
 * may not change) into the current record, checks the result, stores it with a compare-and-set
 * (a concurrent update is merged again, never lost), then updates the projection. A record
 * that is neither kept nor derivable (`derive` gives undefined) is not updated.
 */
export async function updateKept<T extends object>(
  db: PraisonAIDB, sessionId: string, kind: KeptKind, id: string, updates: unknown,
  fixed: readonly string[], derive: () => Promise<T | undefined>, check: (value: unknown) => T, project: (record: T) => Promise<void>,
): Promise<void> {
  const given = checkRecord('updates', updates)
  const changes = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const text = await readKeptText(db, sessionId, kind, id)
    const current = text === null ? await derive() : JSON.parse(text) as T
    if (current === undefined) return
    for (const field of fixed) checkSameId(field, (current as Record<string, unknown>)[field] as string, given)
    const merged = check({ ...current, ...changes })
    if (await db.setSessionKey(sessionId, keyOf(kind, id), keptText(kind, merged), { expect: text })) {
      await project(merged)
      return
    }
  }
  throw new StoreError('STORE_FAILED', `the ${kind} ${JSON.stringify(id.slice(0, 80))} kept changing under ${MAX_ATTEMPTS} concurrent updates; try again`)
}
