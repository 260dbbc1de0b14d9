import type {
  AgentState, HistoryQuery, Message, Page, Run, RunQuery, SearchHit, Session, SessionKey, StoreInfo, StoreStats, TimelineItem, ToolCall, Trace, TraceQuery,
} from '../../core/records.js'
import type { ImportOutcome, PruneBatch, SearchListing, SessionBundle, SessionListing, Store, SyncStore, WriteOp, WriteResult } from '../../core/store.js'
import type { Dialect } from './dialect.js'
import {
  deleteSessionPlan, getAgentStatesPlan, infoPlan, getMessagesPlan, getRunsPlan, getSessionPlan, getTimelinePlan, getToolCallsPlan,
  getTracesPlan, importPlan, listSessionsPlan, prunePlan, searchPlan, statsPlan, writePlan, type SqlPlan, type SqlResult,
} from './plans.js'
import { getSessionKeyPlan, getSessionKeysPlan } from './history-plans.js'
import type { SqlStep } from './statements.js'

/** Runs plans on a synchronous driver; `transactional` plans in one transaction. */
export interface SyncExecutor {
  run<T>(plan: SqlPlan<T>, transactional: boolean): T
  close(): void
}

/** Runs plans on an asynchronous driver; `transactional` plans in one transaction on one connection. */
export interface AsyncExecutor {
  /**
   * `writes`: the plan is a write batch of these sessions, which waits for the store's earlier
   * writes of any of them to be over (`WriteFence`); writes of other sessions may run beside it.
   */
  run<T>(plan: SqlPlan<T>, transactional: boolean, writes?: ReadonlySet<string>): Promise<T>
  close(): Promise<void>
}

/** Drives a plan with a synchronous statement runner. */
export function driveSync<T>(plan: SqlPlan<T>, execute: (step: SqlStep) => SqlResult): T {
  let next = plan.next()
  while (!next.done) next = plan.next(execute(next.value))
  return next.value
}

/** Drives a plan with an asynchronous statement runner. */
export async function driveAsync<T>(plan: SqlPlan<T>, execute: (step: SqlStep) => Promise<SqlResult>): Promise<T> {
  let next = plan.next()
  while (!next.done) next = plan.next(await execute(next.value))
  return next.value
}

/** The sessions a batch writes. */
function sessionsOf(ops: readonly WriteOp[]): Set<string> {
  const sessions = new Set<string>()
  for (const op of ops) sessions.add(op.session.id)
  return sessions
}

/** How a batch of writes runs: a plan, and whether it needs a transaction around it. */
export interface WriteRun {
  readonly plan: SqlPlan<WriteResult>
  readonly transactional: boolean
}

/** The write of a batch: the shared plan in a transaction, unless a dialect has a better one. */
export type WriteChoice = (d: Dialect, ops: readonly WriteOp[]) => WriteRun

const sharedWrite: WriteChoice = (d, ops) => ({ plan: writePlan(d, ops), transactional: true })

/** What an engine adds to the shared store (each optional). */
export interface SqlStoreParts {
  /** The write of a batch (default: the shared plan in a transaction). */
  readonly write?: WriteChoice
  /**
   * A plan run before every search: the engine indexes pending messages. On a synchronous
   * driver it runs in its own transaction (nothing else runs meanwhile); on an asynchronous
   * one its statements commit on their own, so no lock is held while the event loop waits
   * (a sync call of the same process may block it: that call's write must not wait for us).
   */
  readonly beforeSearch?: (d: Dialect) => SqlPlan<unknown>
  /** Called after every committed write or import. */
  readonly afterWrite?: () => void
}

/**
 * The store protocol over a synchronous SQL driver: each method is its plan, run by the
 * executor. Reads that issue several statements (timeline, traces) run in one transaction for a
 * consistent view; so does a delete.
 */
class SyncSqlStore implements SyncStore {
  readonly #d: Dialect
  readonly #exec: SyncExecutor
  readonly #write: WriteChoice
  readonly #parts: SqlStoreParts

  constructor(d: Dialect, exec: SyncExecutor, parts: SqlStoreParts) {
    this.#d = d
    this.#exec = exec
    this.#write = parts.write ?? sharedWrite
    this.#parts = parts
  }

  write(ops: readonly WriteOp[]): WriteResult {
    const { plan, transactional } = this.#write(this.#d, ops)
    const result = this.#exec.run(plan, transactional)
    this.#parts.afterWrite?.()
    return result
  }

  getSession(id: string): Session | null { return this.#exec.run(getSessionPlan(this.#d, id), false) }
  listSessions(query: SessionListing): Page<Session> { return this.#exec.run(listSessionsPlan(this.#d, query), false) }
  getMessages(id: string, query: HistoryQuery): readonly Message[] { return this.#exec.run(getMessagesPlan(this.#d, id, query), false) }
  getToolCalls(id: string, query: HistoryQuery): readonly ToolCall[] { return this.#exec.run(getToolCallsPlan(this.#d, id, query), false) }
  getTimeline(id: string, query: HistoryQuery): readonly TimelineItem[] { return this.#exec.run(getTimelinePlan(this.#d, id, query), true) }
  getAgentStates(id: string): readonly AgentState[] { return this.#exec.run(getAgentStatesPlan(this.#d, id), false) }
  getRuns(id: string, query: RunQuery): readonly Run[] { return this.#exec.run(getRunsPlan(this.#d, id, query), false) }
  getTraces(query: TraceQuery): readonly Trace[] { return this.#exec.run(getTracesPlan(this.#d, query), true) }
  deleteSession(id: string): boolean { return this.#exec.run(deleteSessionPlan(this.#d, id), true) }
  searchMessages(query: SearchListing): readonly SearchHit[] {
    if (this.#parts.beforeSearch !== undefined) this.#exec.run(this.#parts.beforeSearch(this.#d), true)
    return this.#exec.run(searchPlan(this.#d, query), false)
  }

  pruneSessions(batch: PruneBatch): readonly Session[] { return this.#exec.run(prunePlan(this.#d, batch), !batch.dryRun) }

  importSession(bundle: SessionBundle): ImportOutcome {
    const outcome = this.#exec.run(importPlan(this.#d, bundle), true)
    this.#parts.afterWrite?.()
    return outcome
  }

  getSessionKey(id: string, key: string): string | null { return this.#exec.run(getSessionKeyPlan(this.#d, id, key), false) }
  getSessionKeys(id: string): readonly SessionKey[] { return this.#exec.run(getSessionKeysPlan(this.#d, id), false) }

  stats(): StoreStats { return this.#exec.run(statsPlan(this.#d), false) }
  info(): StoreInfo { return this.#exec.run(infoPlan(this.#d), false) }
  close(): void { this.#exec.close() }
}

/** `SyncSqlStore` over an asynchronous driver. */
class AsyncSqlStore implements Store {
  readonly #d: Dialect
  readonly #exec: AsyncExecutor
  readonly #write: WriteChoice
  readonly #parts: SqlStoreParts

  constructor(d: Dialect, exec: AsyncExecutor, parts: SqlStoreParts) {
    this.#d = d
    this.#exec = exec
    this.#write = parts.write ?? sharedWrite
    this.#parts = parts
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult> {
    const { plan, transactional } = this.#write(this.#d, ops)
    const result = await this.#exec.run(plan, transactional, sessionsOf(ops))
    this.#parts.afterWrite?.()
    return result
  }

  getSession(id: string): Promise<Session | null> { return this.#exec.run(getSessionPlan(this.#d, id), false) }
  listSessions(query: SessionListing): Promise<Page<Session>> { return this.#exec.run(listSessionsPlan(this.#d, query), false) }
  getMessages(id: string, query: HistoryQuery): Promise<readonly Message[]> { return this.#exec.run(getMessagesPlan(this.#d, id, query), false) }
  getToolCalls(id: string, query: HistoryQuery): Promise<readonly ToolCall[]> { return this.#exec.run(getToolCallsPlan(this.#d, id, query), false) }
  getTimeline(id: string, query: HistoryQuery): Promise<readonly TimelineItem[]> { return this.#exec.run(getTimelinePlan(this.#d, id, query), true) }
  getAgentStates(id: string): Promise<readonly AgentState[]> { return this.#exec.run(getAgentStatesPlan(this.#d, id), false) }
  getRuns(id: string, query: RunQuery): Promise<readonly Run[]> { return this.#exec.run(getRunsPlan(this.#d, id, query), false) }
  getTraces(query: TraceQuery): Promise<readonly Trace[]> { return this.#exec.run(getTracesPlan(this.#d, query), true) }
  deleteSession(id: string): Promise<boolean> { return this.#exec.run(deleteSessionPlan(this.#d, id), true) }
  async searchMessages(query: SearchListing): Promise<readonly SearchHit[]> {
    if (this.#parts.beforeSearch !== undefined) await this.#exec.run(this.#parts.beforeSearch(this.#d), false)
    return this.#exec.run(searchPlan(this.#d, query), false)
  }

  pruneSessions(batch: PruneBatch): Promise<readonly Session[]> { return this.#exec.run(prunePlan(this.#d, batch), !batch.dryRun) }

  async importSession(bundle: SessionBundle): Promise<ImportOutcome> {
    const outcome = await this.#exec.run(importPlan(this.#d, bundle), true)
    this.#parts.afterWrite?.()
    return outcome
  }

  getSessionKey(id: string, key: string): Promise<string | null> { return this.#exec.run(getSessionKeyPlan(this.#d, id, key), false) }
  getSessionKeys(id: string): Promise<readonly SessionKey[]> { return this.#exec.run(getSessionKeysPlan(this.#d, id), false) }

  stats(): Promise<StoreStats> { return this.#exec.run(statsPlan(this.#d), false) }
  info(): Promise<StoreInfo> { return this.#exec.run(infoPlan(this.#d), false) }
  close(): Promise<void> { return this.#exec.close() }
}

/** The store protocol over a synchronous SQL driver. */
export function syncSqlStore(d: Dialect, exec: SyncExecutor, parts: SqlStoreParts = {}): SyncStore {
  return new SyncSqlStore(d, exec, parts)
}

/** The store protocol over an asynchronous SQL driver. */
export function asyncSqlStore(d: Dialect, exec: AsyncExecutor, parts: SqlStoreParts = {}): Store {
  return new AsyncSqlStore(d, exec, parts)
}
