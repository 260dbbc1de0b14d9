import type { UIMessage } from 'ai'
import { ConfigError, StoreError, newId, type Page, type PraisonAIDB } from '../../index.js'
import { projectMessage } from './projection.js'
import { planSave, readStoredChat, uiMessageJson } from './stored-chat.js'
import { checkChatId, checkId, prepareMessages, type PreparedMessage, type UIMessageLike } from './ui-message.js'

/** The session key holding a chat's active (resumable) stream id. */
const ACTIVE_STREAM_KEY = 'aiSdkActiveStream'

/** Options of `chatStore`. */
export interface ChatStoreOptions {
  /**
   * How many times a save re-reads the chat and tries again when another save changed it in
   * between (default 20); after that it rejects with `StoreError` `HISTORY_CONFLICT`.
   */
  readonly maxSaveAttempts?: number
}

/** Arguments of `saveChat`. */
export interface SaveChatArgs<M extends UIMessageLike> {
  readonly chatId: string
  /** The user the chat belongs to: set on the chat when it has none yet (see `listChats`). */
  readonly userId?: string | undefined
  /** The chat's messages as the SDK holds them, or only the new ones (see `saveChat`). */
  readonly messages: readonly M[]
}

/** One chat of a user, as `listChats` gives it. */
export interface ChatSummary {
  readonly chatId: string
  readonly userId: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

/** Filters and paging of `listChats`; chats come newest first. */
export interface ListChatsQuery {
  readonly userId: string
  readonly limit?: number | undefined
  readonly cursor?: string | null | undefined
}

/**
 * What `toUIMessageStream`/`toUIMessageStreamResponse`/`createUIMessageStream` pass to their
 * `onFinish` (`onEnd` in v7): the part `persistOnFinish` reads.
 */
export interface FinishEvent<M extends UIMessageLike> {
  readonly messages: readonly M[]
  readonly isAborted: boolean
  readonly responseMessage: M
}

/** Options of `persistOnFinish`. */
export interface PersistOnFinishOptions {
  readonly userId?: string | undefined
}

/** AI SDK chats stored in a `PraisonAIDB`: one session per chat, one message record per UIMessage. */
export interface ChatStore<M extends UIMessageLike> {
  /** The chat's UIMessages exactly as saved, oldest first; `[]` for a chat never saved. */
  loadChat(chatId: string): Promise<M[]>
  /**
   * Saves a chat's messages, upserting by `UIMessage.id`: `messages` are the chat from its first
   * given message on. When that message is already stored, the chat becomes the messages stored
   * before it followed by `messages` (an edited message or a regenerated reply replaces what came
   * after it, as in the UI); when it is not, `messages` are appended. Stored messages that stay
   * the same are not rewritten (their seq and createdAt are kept); from the first that changes,
   * the chat's tail is replaced in one atomic `editHistory`, guarded by the chat's last seq, so
   * concurrent saves (in this process or others) never interleave: each applies whole, on top of
   * the other, after re-reading. Saving the same messages again writes nothing.
   * @throws ValidationError an empty or missing id, an id twice, an unknown role, parts that are
   *   not objects with a type, a message JSON cannot hold; nothing of the call is written
   * @throws StoreError `HISTORY_CONFLICT` when other saves kept winning for `maxSaveAttempts` tries
   */
  saveChat(args: SaveChatArgs<M>): Promise<void>
  /** The chats (sessions) of `userId`, newest first, a page at a time. */
  listChats(query: ListChatsQuery): Promise<Page<ChatSummary>>
  /**
   * The `onFinish` handler (v7: `onEnd`) of `toUIMessageStream`, `toUIMessageStreamResponse` or
   * `createUIMessageStream` that saves the chat once the reply is complete. An aborted reply is
   * saved too, its record's metadata marked `aborted: true`. Give the SDK `originalMessages` (so
   * `messages` is the whole chat) and `generateMessageId` (so the reply has the id the client
   * sees); a reply without an id gets a fresh one here.
   */
  persistOnFinish(chatId: string, options?: PersistOnFinishOptions): (event: FinishEvent<M>) => Promise<void>
  /** Records the chat's active stream (for resumable streams), replacing any other. */
  setActiveStream(chatId: string, streamId: string): Promise<void>
  /** The chat's active stream id, or null. */
  getActiveStream(chatId: string): Promise<string | null>
  /** Clears the active stream only if it is still `streamId` (compare-and-clear); true if it did. */
  clearActiveStream(chatId: string, streamId: string): Promise<boolean>
}

const DEFAULT_SAVE_ATTEMPTS = 20

const isConflict = (error: unknown): boolean => error instanceof StoreError && error.code === 'HISTORY_CONFLICT'

/** A short random pause after a lost race, growing with the attempts, so racing savers spread out. */
const backOff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)))

function checkAttempts(value: unknown): number {
  if (value === undefined) return DEFAULT_SAVE_ATTEMPTS
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError('OPTION_INVALID', `maxSaveAttempts must be a positive integer, got ${String(value)}`)
  }
  return value
}

/**
 * Persists AI SDK (`ai` v6 and v7) chats in a `PraisonAIDB`, on any store:
 *
 * ```ts
 * const chats = chatStore(db)
 * const messages = await chats.loadChat(chatId)
 * const result = streamText({ model, messages: await convertToModelMessages(messages), tools })
 * return result.toUIMessageStreamResponse({ originalMessages: messages, generateMessageId: generateId, onFinish: chats.persistOnFinish(chatId) })
 * ```
 *
 * Each UIMessage is one message record holding the message verbatim (JSON text under metadata
 * `aiSdkUiMessage`), its role and the text of its text parts; its settled tool parts are also
 * tool-call records (input, output or error, the tool call id), so `getTimeline`, `getHistory`,
 * the CLI and the viewer show the chat.
 */
export function chatStore<M extends UIMessageLike = UIMessage>(db: PraisonAIDB, options: ChatStoreOptions = {}): ChatStore<M> {
  const maxAttempts = checkAttempts(options.maxSaveAttempts)

  async function save(chatId: string, given: readonly PreparedMessage[], userId: string | null, aborted: ReadonlySet<string>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const plan = planSave(await readStoredChat(db, chatId), given, aborted)
      if (plan === null) return
      const append = plan.write.flatMap((m) => projectMessage(chatId, m, { aborted: aborted.has(m.id), userId }))
      try {
        await db.editHistory(chatId, { afterSeq: plan.afterSeq, expectLastSeq: plan.expectLastSeq, append })
        return
      } catch (error) {
        if (!isConflict(error) || attempt >= maxAttempts) throw error
      }
      await backOff(attempt)
    }
  }

  const optionalUser = (userId: unknown): string | null => (userId === undefined ? null : checkId('userId', userId))

  return {
    async loadChat(chatId) {
      const messages = await db.getMessages(checkChatId(chatId))
      const chat: M[] = []
      for (const message of messages) {
        const json = uiMessageJson(message)
        if (json !== null) chat.push(JSON.parse(json) as M)
      }
      return chat
    },

    async saveChat({ chatId, userId, messages }) {
      const id = checkChatId(chatId)
      const owner = optionalUser(userId)
      await save(id, prepareMessages(messages), owner, new Set())
    },

    async listChats({ userId, limit, cursor }) {
      const page = await db.listSessions({ userId: checkId('userId', userId), limit, cursor })
      return {
        items: page.items.map((s) => ({ chatId: s.id, userId: s.userId, createdAt: s.createdAt, updatedAt: s.updatedAt })),
        nextCursor: page.nextCursor,
      }
    },

    persistOnFinish(chatId, { userId } = {}) {
      const id = checkChatId(chatId)
      const owner = optionalUser(userId)
      return async ({ messages, isAborted, responseMessage }) => {
        let chat = messages
        if (responseMessage.id === '') {
          // The SDK leaves a new reply's id empty unless given generateMessageId (with originalMessages).
          const named = { ...responseMessage, id: newId() }
          chat = messages.map((m, i) => (m === responseMessage || (i === messages.length - 1 && m.id === '') ? named : m))
          if (!chat.includes(named)) chat = [...chat, named]
          responseMessage = named
        }
        await save(id, prepareMessages(chat), owner, isAborted ? new Set([responseMessage.id]) : new Set())
      }
    },

    async setActiveStream(chatId, streamId) {
      await db.setSessionKey(checkChatId(chatId), ACTIVE_STREAM_KEY, checkId('streamId', streamId))
    },

    async getActiveStream(chatId) {
      return await db.getSessionKey(checkChatId(chatId), ACTIVE_STREAM_KEY)
    },

    async clearActiveStream(chatId, streamId) {
      return await db.setSessionKey(checkChatId(chatId), ACTIVE_STREAM_KEY, null, { expect: checkId('streamId', streamId) })
    },
  }
}
