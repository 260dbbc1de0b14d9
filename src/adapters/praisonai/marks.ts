import type { JsonObject, JsonValue } from '../../index.js'
import { invalid } from './checks.js'

/**
 * The metadata key under which the adapter keeps what an agentdb message or tool call cannot
 * say itself: that the content was null, the caller's `createdAt`, a message's `name`, a tool
 * call's text arguments and status. A caller's metadata may not use it.
 */
export const MARK = 'agentdb:praisonai'

/** What a mark says: written by `saveMessage` (`message`) or `saveToolCall` (`toolCall`). */
export interface Mark {
  readonly kind: 'message' | 'toolCall'
  readonly [field: string]: JsonValue | undefined
}

/** The record's mark, if the adapter wrote it. */
export function markOf(metadata: JsonObject): Mark | undefined {
  const mark = metadata[MARK]
  if (typeof mark !== 'object' || mark === null || Array.isArray(mark)) return undefined
  const kind = (mark as JsonObject)['kind']
  return kind === 'message' || kind === 'toolCall' ? mark as Mark : undefined
}

/** The caller's metadata with the adapter's mark added (the caller's may not hold the key). */
export function withMark(metadata: Record<string, unknown> | undefined, mark: Mark): Record<string, unknown> {
  if (metadata !== undefined && Object.hasOwn(metadata, MARK)) invalid(`metadata may not use the key "${MARK}", which the praisonai adapter keeps for itself`)
  const defined = Object.fromEntries(Object.entries(mark).filter(([, v]) => v !== undefined))
  return { ...metadata, [MARK]: defined }
}

/** The caller's part of stored metadata, or undefined when there is none. */
export function callerMetadata(metadata: JsonObject): Record<string, unknown> | undefined {
  const rest = Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== MARK))
  return Object.keys(rest).length === 0 ? undefined : rest
}
