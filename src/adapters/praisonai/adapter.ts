import { ConfigError, PraisonAIDB, type PraisonAIDBOptions } from '../../index.js'
import { checkLimit, checkSessionId } from './checks.js'
import { Directory } from './directory.js'
import { readToolCalls, saveToolCall } from './executions.js'
import { deleteMessages, readMessages, saveMessage } from './messages.js'
import { Runs } from './runs.js'
import { createSession, getSession, listSessions, updateSession } from './sessions.js'
import { Traces } from './traces.js'
import type { DbAdapter, DbMessage, DbRun, DbSession, DbSpan, DbToolCall, DbTrace } from './types.js'

/**
 * praisonai-ts's `DbAdapter` over an agentdb store: give it to a praisonai `Agent` as `db`.
 * Messages are agentdb messages and tool calls (so `getHistory`, the CLI and the viewer show
 * the conversation), runs, traces and spans are agentdb's too. Every write is committed when
 * its promise resolves; a record's id makes a retried write add nothing; invalid input
 * rejects with `ValidationError` before anything is written.
 */
export class PraisonAIDbAdapter implements DbAdapter, AsyncDisposable {
  /** The agentdb instance the adapter writes to. */
  readonly db: PraisonAIDB
  readonly #owned: boolean
  readonly #directory: Directory
  readonly #runs: Runs
  readonly #traces: Traces
  #connected = false

  /** `owned`: the adapter opened `db` and closes it on `disconnect()`. */
  constructor(db: PraisonAIDB, owned: boolean) {
    this.db = db
    this.#owned = owned
    this.#directory = new Directory(db)
    this.#runs = new Runs(db, this.#directory)
    this.#traces = new Traces(db, this.#directory)
  }

  // ---- sessions ----------------------------------------------------------------------------

  /** Creates a session with the given times and metadata; a session that exists is left as it is. */
  createSession(session: DbSession): Promise<void> {
    return createSession(this.db, session)
  }

  /** The session, with praisonai's metadata, or null. */
  getSession(id: string): Promise<DbSession | null> {
    return getSession(this.db, id)
  }

  /** Replaces a session's metadata; a session that does not exist is left absent. */
  updateSession(id: string, updates: Partial<DbSession>): Promise<void> {
    return updateSession(this.db, id, updates)
  }

  /** Deletes a session with everything in it: messages, tool calls, runs, traces, spans. */
  async deleteSession(id: string): Promise<void> {
    const sessionId = checkSessionId('id', id)
    await this.db.deleteSession(sessionId)
    this.#directory.forgetSession(sessionId)
  }

  /** Sessions newest first: `limit` (default 100, at most 1000) of them after `offset`. */
  listSessions(limit?: number, offset?: number): Promise<DbSession[]> {
    return listSessions(this.db, limit, offset)
  }

  // ---- messages ----------------------------------------------------------------------------

  /** Appends a message to its session (created if absent), in call order. */
  saveMessage(message: DbMessage): Promise<void> {
    return saveMessage(this.db, message)
  }

  /**
   * The session's last `limit` messages oldest first (all when `limit` is absent or 0); a
   * window that would start with a tool result starts at the assistant turn that asked for it.
   */
  async getMessages(sessionId: string, limit?: number): Promise<DbMessage[]> {
    return readMessages(this.db, checkSessionId('sessionId', sessionId), checkLimit('limit', limit))
  }

  /** Removes the session's messages (tool messages included) in one edit; runs, their tool calls and traces stay. */
  async deleteMessages(sessionId: string): Promise<void> {
    await deleteMessages(this.db, checkSessionId('sessionId', sessionId))
  }

  // ---- runs and their tool calls -----------------------------------------------------------

  /** Creates a run (agentdb: started, and ended when created completed or failed); an existing id is left as it is. */
  createRun(run: DbRun): Promise<void> {
    return this.#runs.create(run)
  }

  getRun(id: string): Promise<DbRun | null> {
    return this.#runs.get(id)
  }

  /** Updates a run; agentdb's record ends when the status becomes completed or failed. */
  updateRun(id: string, updates: Partial<DbRun>): Promise<void> {
    return this.#runs.update(id, updates)
  }

  /** The session's last `limit` runs (default 100, at most 1000), oldest first. */
  listRuns(sessionId: string, limit = 100): Promise<DbRun[]> {
    return this.#runs.list(sessionId, checkLimit('limit', limit) ?? 100)
  }

  /** Records a tool call of an existing run. */
  saveToolCall(toolCall: DbToolCall): Promise<void> {
    return saveToolCall(this.db, this.#directory, toolCall)
  }

  getToolCalls(runId: string): Promise<DbToolCall[]> {
    return readToolCalls(this.db, this.#directory, runId)
  }

  // ---- traces and spans --------------------------------------------------------------------

  createTrace(trace: DbTrace): Promise<void> {
    return this.#traces.createTrace(trace)
  }

  getTrace(id: string): Promise<DbTrace | null> {
    return this.#traces.getTrace(id)
  }

  updateTrace(id: string, updates: Partial<DbTrace>): Promise<void> {
    return this.#traces.updateTrace(id, updates)
  }

  /** Creates a span of an existing trace. */
  createSpan(span: DbSpan): Promise<void> {
    return this.#traces.createSpan(span)
  }

  getSpans(traceId: string): Promise<DbSpan[]> {
    return this.#traces.getSpans(traceId)
  }

  updateSpan(id: string, updates: Partial<DbSpan>): Promise<void> {
    return this.#traces.updateSpan(id, updates)
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Opens the store now (it opens on first use anyway): a store that cannot be reached rejects here. */
  async connect(): Promise<void> {
    await this.db.storeInfo()
    this.#connected = true
  }

  /** Closes the store when the adapter opened it from a URL; a given `PraisonAIDB` stays open. */
  async disconnect(): Promise<void> {
    this.#connected = false
    if (this.#owned) await this.db.aclose()
  }

  /** True between `connect()` and `disconnect()`. */
  isConnected(): boolean {
    return this.#connected
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect()
  }
}

/**
 * praisonai-ts's `DbAdapter` on agentdb: `praisonaiDb('postgresql://…')` opens a `PraisonAIDB`
 * on the URL (closed by `disconnect()`); `praisonaiDb(db)` wraps one you opened (you close it).
 * @throws ConfigError when the URL or an option is invalid.
 */
export function praisonaiDb<T extends string>(target: T | PraisonAIDB, options?: PraisonAIDBOptions<T>): PraisonAIDbAdapter {
  if (target instanceof PraisonAIDB) {
    if (options !== undefined) throw new ConfigError('OPTION_INVALID', 'options belong to the URL form: praisonaiDb(url, options); a given PraisonAIDB has its own')
    return new PraisonAIDbAdapter(target, false)
  }
  if (typeof target !== 'string') throw new ConfigError('URL_INVALID', `praisonaiDb takes a URL or a PraisonAIDB, got ${typeof target}`)
  return new PraisonAIDbAdapter(new PraisonAIDB(target, options), true)
}
