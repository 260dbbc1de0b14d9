import { ValidationError, type Message, type PraisonAIDB, type TimelineItem } from '../../index.js'
import { ABORTED_KEY, UI_MESSAGE_ID_KEY, UI_MESSAGE_KEY } from './projection.js'
import type { PreparedMessage } from './ui-message.js'

/** A UIMessage as stored: its JSON text, its record's seq, whether it was saved aborted. */
export interface StoredMessage {
  readonly id: string
  readonly json: string
  readonly seq: number
  readonly aborted: boolean
}

/** The chat as stored: its UIMessages in order and the session's greatest seq (null: empty). */
export interface StoredChat {
  readonly messages: readonly StoredMessage[]
  readonly lastSeq: number | null
}

/** The stored UIMessage JSON of a message record, or null for a record the adapter did not write. */
export function uiMessageJson(message: Message): string | null {
  const json = message.metadata[UI_MESSAGE_KEY]
  return typeof json === 'string' ? json : null
}

function storedMessage(message: Message): StoredMessage | null {
  const json = uiMessageJson(message)
  if (json === null) return null
  const known = message.metadata[UI_MESSAGE_ID_KEY]
  const id = typeof known === 'string' ? known : (JSON.parse(json) as { readonly id: string }).id
  return { id, json, seq: message.seq, aborted: message.metadata[ABORTED_KEY] === true }
}

/** Reads the chat's UIMessages with their seqs, and the greatest seq of the session. */
export async function readStoredChat(db: PraisonAIDB, chatId: string): Promise<StoredChat> {
  const timeline: readonly TimelineItem[] = await db.getTimeline(chatId)
  const messages: StoredMessage[] = []
  for (const item of timeline) {
    if (item.kind !== 'message') continue
    const stored = storedMessage(item.message)
    if (stored !== null) messages.push(stored)
  }
  return { messages, lastSeq: timeline.length === 0 ? null : timeline[timeline.length - 1]!.seq }
}

/** One `editHistory` of a save: keep what has seq <= afterSeq, append `write` after it. */
export interface SavePlan {
  readonly afterSeq: number
  readonly expectLastSeq: number | null
  readonly write: readonly PreparedMessage[]
}

/**
 * What a save changes. The given messages are the chat from the first given message on: when
 * that message is stored, the chat becomes the messages stored before it followed by the given
 * ones (an edited or regenerated reply replaces what followed it, as in the UI); when it is not,
 * the given messages are appended. Of the result, the stored prefix that is unchanged (same id,
 * same JSON, not newly marked aborted) stays as it is, with its seqs and timestamps; the rest is
 * removed and written. Null: nothing changes (a retried save).
 * @throws ValidationError a given id is stored before the place the given messages go
 */
export function planSave(stored: StoredChat, given: readonly PreparedMessage[], aborted: ReadonlySet<string>): SavePlan | null {
  const have = stored.messages
  if (given.length === 0) return null
  const found = have.findIndex((m) => m.id === given[0]!.id)
  const start = found === -1 ? have.length : found
  const before = new Set(have.slice(0, start).map((m) => m.id))
  given.forEach((m, i) => {
    if (before.has(m.id)) {
      throw new ValidationError('FIELD_INVALID', `messages[${i}].id ${JSON.stringify(m.id)} is stored before messages[0] in this chat; give the messages in chat order`)
    }
  })
  let same = 0
  while (start + same < have.length && same < given.length) {
    const old = have[start + same]!
    const now = given[same]!
    if (old.id !== now.id || old.json !== now.json || (aborted.has(now.id) && !old.aborted)) break
    same++
  }
  const keptUpTo = start + same
  if (same === given.length && keptUpTo === have.length) return null
  // Keep everything before the first message that goes: its own seq is the first removed.
  const afterSeq = keptUpTo < have.length ? have[keptUpTo]!.seq - 1 : stored.lastSeq ?? 0
  return { afterSeq, expectLastSeq: stored.lastSeq, write: given.slice(same) }
}
