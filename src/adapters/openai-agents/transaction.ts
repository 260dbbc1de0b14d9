import type { SessionHistoryTransactionArgs } from '@openai/agents'
import { StoreError, ValidationError, newId, type HistoryAppend, type PraisonAIDB } from '../../index.js'
import { canonicalText } from './item-codec.js'
import { entriesOf, KEEP_ALL, MAX_ATTEMPTS, isConflict, type Entry } from './history-window.js'
import { operationOf, recordOf, type Owners } from './projection.js'
import { contentDigest, operationDigest, operationRecordIds } from './record-ids.js'

type Item = Record<string, unknown>

/** A transaction after validation: what it appends, and the suffix it replaces (null: none, an append). */
interface Checked {
  readonly operationId: string
  readonly expectedSuffix: readonly Item[] | null
  readonly items: readonly Item[]
  /** Equal for two transactions exactly when the SDK counts them as the same. */
  readonly payload: string
}

/** Session key holding the generation of the session's operation ids (changed by `clearSession`). */
const EPOCH_KEY = 'openai-agents:epoch'
const operationKey = (digest: string): string => `openai-agents:op:${digest}`

const invalid = (message: string): never => {
  throw new ValidationError('FIELD_INVALID', message)
}

function checkList(value: unknown, field: string): Item[] {
  if (!Array.isArray(value)) invalid(`transaction.${field} must be an array of items`)
  for (const [i, item] of (value as unknown[]).entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) invalid(`transaction.${field}[${i}] must be an item object`)
  }
  return value as Item[]
}

function checkTransaction(args: SessionHistoryTransactionArgs): Checked {
  if (typeof args !== 'object' || args === null) return invalid('a history transaction must be { operationId, transaction }')
  const { operationId, transaction } = args as { operationId: unknown; transaction: unknown }
  if (typeof operationId !== 'string' || operationId.trim() === '') return invalid('operationId must be a non-empty string')
  if (typeof transaction !== 'object' || transaction === null) return invalid('transaction must be an object')
  const t = transaction as Record<string, unknown>
  if (t['type'] === 'append_items' && Object.keys(t).length === 2) {
    const items = checkList(t['items'], 'items')
    return { operationId, expectedSuffix: null, items, payload: contentDigest({ type: t['type'], items }) }
  }
  if (t['type'] === 'replace_suffix' && Object.keys(t).length === 3) {
    const expectedSuffix = checkList(t['expectedSuffix'], 'expectedSuffix')
    const items = checkList(t['replacement'], 'replacement')
    return { operationId, expectedSuffix, items, payload: contentDigest({ type: t['type'], expectedSuffix, replacement: items }) }
  }
  return invalid(`transaction must be { type: "append_items", items } or { type: "replace_suffix", expectedSuffix, replacement }, got type ${JSON.stringify(String(t['type'])).slice(0, 40)}`)
}

const reused = (): never => {
  throw new ValidationError('OPERATION_REUSED', 'the history operation id was already used for a different transaction; nothing was changed')
}

/** Gives the session's operation ids a new generation: ids used before are free again (`clearSession`). */
export async function resetOperations(db: PraisonAIDB, sessionId: string): Promise<void> {
  await db.setSessionKey(sessionId, EPOCH_KEY, newId())
}

/**
 * Whether the operation was applied: by its key, or — when the process stopped between the
 * edit and the key — by the mark on the first record it appended.
 * @throws ValidationError `OPERATION_REUSED` when it was applied with a different payload
 */
function appliedBefore(stored: string | null, entries: readonly Entry[], firstId: string | undefined, digest: string, payload: string): boolean {
  if (stored !== null) return stored === payload || reused()
  if (firstId === undefined) return false
  const first = entries.find((e) => (e.record.kind === 'message' ? e.record.message.id : e.record.toolCall.id) === firstId)
  const mark = first === undefined ? undefined : operationOf(first.record)
  if (mark?.id !== digest) return false
  return mark.payload === payload || reused()
}

/** Where the edit of a `replace_suffix` cuts: after the record before the suffix. @throws StoreError HISTORY_CONFLICT */
function cutBefore(entries: readonly Entry[], expected: readonly Item[], lastSeq: number): number {
  const start = entries.length - expected.length
  const actual = start < 0 ? null : entries.slice(start).map((e) => e.item)
  if (actual === null || canonicalText(actual) !== canonicalText(expected)) {
    throw new StoreError('HISTORY_CONFLICT', 'the session history no longer ends with the transaction\'s expectedSuffix; nothing was changed')
  }
  return expected.length === 0 ? lastSeq : entries[start]!.seq - 1
}

/**
 * `applyHistoryTransaction` of `AgentDBSession`: validates everything first, then applies the
 * change in one edit guarded by the session's last seq (another writer in between makes it
 * start over), then records the operation id (a session key) with its payload digest.
 */
export async function applyTransaction(db: PraisonAIDB, sessionId: string, owners: Owners, args: SessionHistoryTransactionArgs): Promise<void> {
  const checked = checkTransaction(args)
  const ids = operationRecordIds(sessionId, checked.operationId, checked.items.length)
  for (let attempt = 1; ; attempt++) {
    const epoch = (await db.getSessionKey(sessionId, EPOCH_KEY)) ?? ''
    const digest = operationDigest(epoch, checked.operationId)
    const mark = { id: digest, payload: checked.payload }
    const append: HistoryAppend[] = checked.items.map((item, i) => recordOf(item, ids[i]!, owners, i === 0 ? mark : undefined))
    const stored = await db.getSessionKey(sessionId, operationKey(digest))
    const timeline = await db.getTimeline(sessionId)
    const entries = entriesOf(timeline)
    if (appliedBefore(stored, entries, ids[0], digest, checked.payload)) {
      if (stored === null) await db.setSessionKey(sessionId, operationKey(digest), checked.payload, { expect: null })
      return
    }
    const lastSeq = timeline[timeline.length - 1]?.seq ?? null
    const edit = checked.expectedSuffix === null
      ? { afterSeq: KEEP_ALL, append }
      : { afterSeq: cutBefore(entries, checked.expectedSuffix, lastSeq ?? 0), expectLastSeq: lastSeq, append }
    try {
      await db.editHistory(sessionId, edit)
    } catch (error) {
      // Another writer changed the tail between the read and the edit: decide again on what is stored now.
      if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error
      continue
    }
    const recorded = await db.setSessionKey(sessionId, operationKey(digest), checked.payload, { expect: null })
    if (!recorded && (await db.getSessionKey(sessionId, operationKey(digest))) !== checked.payload) reused()
    return
  }
}
