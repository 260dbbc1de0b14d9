import type { Store, StoreMethods, SyncStore } from '../../core/store.js'
import type { Dialect } from './dialect.js'
import {
  deleteSessionPlan, getAgentStatesPlan, getMessagesPlan, getSessionPlan, getTimelinePlan, getToolCallsPlan,
  listSessionsPlan, writePlan, type SqlPlan, type SqlResult,
} from './plans.js'
import type { SqlStep } from './statements.js'

/** Runs plans on a synchronous driver; `transactional` plans in one transaction. */
export interface SyncExecutor {
  run<T>(plan: SqlPlan<T>, transactional: boolean): T
  close(): void
}

/** Runs plans on an asynchronous driver; `transactional` plans in one transaction on one connection. */
export interface AsyncExecutor {
  run<T>(plan: SqlPlan<T>, transactional: boolean): Promise<T>
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

type PlanMethods = Exclude<keyof StoreMethods, 'close'>
type PlanFactories = {
  readonly [K in PlanMethods]: (d: Dialect, ...args: Parameters<StoreMethods[K]>) => SqlPlan<ReturnType<StoreMethods[K]>>
}

/** Each store method as a plan; reads that issue several statements run in one transaction for a consistent view. */
const PLANS: PlanFactories = {
  write: writePlan,
  getSession: getSessionPlan,
  listSessions: listSessionsPlan,
  getMessages: getMessagesPlan,
  getToolCalls: getToolCallsPlan,
  getTimeline: getTimelinePlan,
  getAgentStates: getAgentStatesPlan,
  deleteSession: deleteSessionPlan,
}
const TRANSACTIONAL: ReadonlySet<PlanMethods> = new Set(['write', 'getTimeline', 'deleteSession'])

function buildStore(d: Dialect, run: (plan: SqlPlan<unknown>, transactional: boolean) => unknown, close: () => unknown): Record<keyof StoreMethods, (...args: unknown[]) => unknown> {
  const store: Partial<Record<keyof StoreMethods, (...args: unknown[]) => unknown>> = { close }
  for (const key of Object.keys(PLANS) as PlanMethods[]) {
    const factory = PLANS[key] as (d: Dialect, ...args: unknown[]) => SqlPlan<unknown>
    const transactional = TRANSACTIONAL.has(key)
    store[key] = (...args) => run(factory(d, ...args), transactional)
  }
  return store as Record<keyof StoreMethods, (...args: unknown[]) => unknown>
}

/** The store protocol over a synchronous SQL driver. */
export function syncSqlStore(d: Dialect, exec: SyncExecutor): SyncStore {
  return buildStore(d, (plan, tx) => exec.run(plan, tx), () => exec.close()) as unknown as SyncStore
}

/** The store protocol over an asynchronous SQL driver. */
export function asyncSqlStore(d: Dialect, exec: AsyncExecutor): Store {
  return buildStore(d, (plan, tx) => exec.run(plan, tx), () => exec.close()) as unknown as Store
}
