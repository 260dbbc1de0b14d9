import type {
  AgentInputItem, SessionHistoryTransactionArgs, SessionHistoryTransactionAwareSession,
} from '@openai/agents'
import { PraisonAIDB, ValidationError } from '../../index.js'
import { KEEP_ALL, MAX_ATTEMPTS, isConflict, readAll, readTail, readWindow } from './history-window.js'
import { recordOf, type Owners } from './projection.js'
import { batchRecordIds } from './record-ids.js'
import { applyTransaction, resetOperations } from './transaction.js'

/** What `new AgentDBSession` takes. */
export interface AgentDBSessionOptions {
  /** Where the history lives: any agentdb store. */
  readonly db: PraisonAIDB
  /** The conversation (at most 255 characters). */
  readonly sessionId: string
  /** Kept as the session's user when it is created (see `listSessions({ userId })`). */
  readonly userId?: string | undefined
  /** Kept as the session's agent when it is created. */
  readonly agentId?: string | undefined
}


const MAX_NAME = 255

function checkText(field: string, value: unknown, optional: boolean): string | undefined {
  if (optional && value === undefined) return undefined
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME) {
    const code = field === 'sessionId' ? 'SESSION_ID_INVALID' : 'FIELD_INVALID'
    throw new ValidationError(code, `${field} must be a non-empty string of at most ${MAX_NAME} characters, got ${typeof value === 'string' ? `a string of ${value.length}` : typeof value}`)
  }
  return value
}

function checkItems(items: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(items)) throw new ValidationError('FIELD_INVALID', `items must be an array of OpenAI Agents items, got ${typeof items}`)
  return items as Record<string, unknown>[]
}

/**
 * An OpenAI Agents JS `Session` kept in agentdb: `run(agent, input, { session })` reads the
 * conversation from and appends it to any store (SQLite, PostgreSQL, MySQL, Redis, memory).
 *
 * Each item is one record of the session: verbatim (every item type, `providerData` included,
 * read back equal) and also readable — messages as messages, function calls and results as an
 * assistant turn's tool calls and tool-call records, other items as one-line `tool` messages —
 * so `getTimeline`, `agentdb show` and the viewer show the conversation.
 *
 * - `addItems` appends its batch in one transaction: concurrent appends, from one process or
 *   several, never interleave or fork. A batch naming a provider id (an item id, a `callId`)
 *   added again adds nothing (see `batchRecordIds`).
 * - `getItems(limit)` gives the last `limit` items oldest first, widened back to the call of
 *   any tool result it holds; `limit` 0 is `[]` without reading.
 * - `applyHistoryTransaction` appends or replaces a suffix atomically and idempotently per
 *   operation id.
 */
export class AgentDBSession implements SessionHistoryTransactionAwareSession {
  readonly #db: PraisonAIDB
  readonly #sessionId: string
  readonly #owners: Owners

  /** @throws ValidationError when the session id or an owner is not a non-empty string of at most 255 characters */
  constructor(options: AgentDBSessionOptions) {
    if (!(options.db instanceof PraisonAIDB)) throw new ValidationError('FIELD_INVALID', 'db must be a PraisonAIDB')
    this.#db = options.db
    this.#sessionId = checkText('sessionId', options.sessionId, false)!
    this.#owners = { userId: checkText('userId', options.userId, true), agentId: checkText('agentId', options.agentId, true) }
  }

  /** The session's id, as given. */
  getSessionId(): Promise<string> {
    return Promise.resolve(this.#sessionId)
  }

  /**
   * The session's items oldest first: all of them, or the last `limit` (widened back to the call
   * of a tool result the window would start with). `limit` 0 (or less) is `[]`, read from nowhere.
   * @throws ValidationError when `limit` is not an integer
   * @throws StoreUnavailableError when the store cannot be read within its retry deadline
   */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit === undefined) return (await readAll(this.#db, this.#sessionId)).map((e) => e.item as AgentInputItem)
    if (!Number.isSafeInteger(limit)) throw new ValidationError('FIELD_INVALID', `limit must be an integer, got ${String(limit)}`)
    if (limit <= 0) return []
    return (await readWindow(this.#db, this.#sessionId, limit)) as AgentInputItem[]
  }

  /**
   * Appends the items, in order, in one transaction.
   * @throws ValidationError when an item is not JSON data (bytes and `undefined` aside); nothing is written
   * @throws StoreUnavailableError when the store cannot be written within its retry deadline
   */
  async addItems(items: AgentInputItem[]): Promise<void> {
    const list = checkItems(items)
    if (list.length === 0) return
    const ids = batchRecordIds(this.#sessionId, list)
    const append = list.map((item, i) => recordOf(item, ids[i]!, this.#owners))
    await this.#db.editHistory(this.#sessionId, { afterSeq: KEEP_ALL, append })
  }

  /**
   * Removes the newest item and returns it (undefined when there is none). Records other
   * writers added after it (a hook's tool call) go with it.
   */
  async popItem(): Promise<AgentInputItem | undefined> {
    for (let attempt = 1; ; attempt++) {
      const { entries, lastSeq } = await readTail(this.#db, this.#sessionId, 1)
      const last = entries[entries.length - 1]
      if (last === undefined) return undefined
      try {
        await this.#db.editHistory(this.#sessionId, { afterSeq: last.seq - 1, expectLastSeq: lastSeq, append: [] })
        return last.item as AgentInputItem
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error
      }
    }
  }

  /** Removes every item of the session and forgets its history transactions. */
  async clearSession(): Promise<void> {
    if ((await this.#db.getSession(this.#sessionId)) === null) return
    await resetOperations(this.#db, this.#sessionId)
    await this.#db.editHistory(this.#sessionId, { afterSeq: 0, append: [] })
  }

  /**
   * Applies `append_items` or `replace_suffix` atomically, once per `operationId`: the same id
   * with the same transaction again succeeds and changes nothing.
   * @throws ValidationError `OPERATION_REUSED` when the id was used for a different transaction; `FIELD_INVALID` for a malformed one
   * @throws StoreError `HISTORY_CONFLICT` when the stored suffix is not `expectedSuffix`; nothing changed
   */
  async applyHistoryTransaction(args: SessionHistoryTransactionArgs): Promise<void> {
    await applyTransaction(this.#db, this.#sessionId, this.#owners, args)
  }
}
