import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { AgentDBError } from '../index.js'

/** A unique id with a readable prefix: test storage may be shared, ids never are. */
export function uid(prefix: string): string {
  return `${prefix}-${randomUUID()}`
}

/** Asserts that `run` throws or rejects with an error of `type` and `code`. */
export async function expectError(run: () => unknown, type: typeof AgentDBError, code: string): Promise<void> {
  let caught: unknown
  try {
    await run()
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof type, `expected ${type.name} (${code}), got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`)
  assert.equal((caught as AgentDBError).code, code)
}

/** Waits `ms`: records started apart get distinct start times (ordering is by start time, then id). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
