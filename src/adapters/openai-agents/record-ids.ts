import { createHash } from 'node:crypto'
import { newId } from '../../index.js'
import { canonicalText } from './item-codec.js'

/** The SDK's placeholder id (`FAKE_ID`) on items whose provider gave none: names nothing. */
const PLACEHOLDER_IDS = new Set(['FAKE_ID', '__fake_id__'])

const digest = (...parts: readonly string[]): string => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part).update('\u0000')
  return hash.digest('hex')
}

/** A short digest of any data, equal exactly when the SDK counts two values as the same. */
export const contentDigest = (value: unknown): string => digest('content', canonicalText(value)).slice(0, 40)

/** Whether an item carries an id its provider gave it: a real item id or a tool call's `callId`. */
function namesItself(item: Readonly<Record<string, unknown>>): boolean {
  const { id, callId } = item
  return (typeof id === 'string' && id !== '' && !PLACEHOLDER_IDS.has(id)) || (typeof callId === 'string' && callId !== '')
}

/**
 * Record ids of one `addItems` batch. A batch naming at least one provider id (an item `id`,
 * a `callId`) is unique to one model response, so its record ids derive from the session and
 * the batch's content: the same batch added again (a retry after a timeout) finds its records
 * stored and adds nothing. A batch naming none (a bare user message) gets fresh ids: the same
 * words said twice are two messages.
 */
export function batchRecordIds(sessionId: string, items: readonly Readonly<Record<string, unknown>>[]): string[] {
  if (!items.some(namesItself)) return items.map(() => newId())
  const batch = digest('batch', sessionId, canonicalText(items))
  return items.map((_, i) => `oa-${digest(batch, String(i)).slice(0, 40)}`)
}

/** Record ids of a history transaction's appended items: from its operation id, so a replay finds them. */
export function operationRecordIds(sessionId: string, operationId: string, count: number): string[] {
  const operation = digest('operation', sessionId, operationId)
  return Array.from({ length: count }, (_, i) => `oa-${digest(operation, String(i)).slice(0, 40)}`)
}

/** The digest naming an operation id in the session's keys and marks (a bounded length, whatever the id). */
export const operationDigest = (epoch: string, operationId: string): string => digest('op', epoch, operationId).slice(0, 40)
