import { AgentRunError } from './errors.js'
import type { Hooks, WriteHook } from './hooks.js'
import type { PersistenceErrorPolicy } from './options.js'

type ArgsOf<K extends WriteHook> = Parameters<Hooks[K]>[0]

/** Why a write failed, without the content it carried (agentdb's messages never hold any). */
const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

/**
 * The writes of one run, each named by its step (`user message`, `tool call get_weather` …).
 * Under `throw`, the first failure is kept as a `PERSISTENCE_FAILED` error (thrown by
 * `throwIfFailed()` at the next step boundary) and later writes are skipped, so the stored
 * history keeps no hole; the run's end is still attempted (`always`), since it leaves no hole.
 * Under `warn`, a failure is logged and the run goes on.
 */
export class Recorder {
  readonly #hooks: Hooks
  readonly #policy: PersistenceErrorPolicy
  readonly #failure: (step: string, cause: unknown) => AgentRunError
  #failed: AgentRunError | null = null

  constructor(hooks: Hooks, policy: PersistenceErrorPolicy, failure: (step: string, cause: unknown) => AgentRunError) {
    this.#hooks = hooks
    this.#policy = policy
    this.#failure = failure
  }

  /** The first write that failed under `throw`, else null. */
  get failure(): AgentRunError | null {
    return this.#failed
  }

  /** Writes one step. Never rejects: a failure is kept or logged (see the class). */
  async write<K extends WriteHook>(step: string, hook: K, args: ArgsOf<K>, options?: { readonly always?: boolean }): Promise<void> {
    if (this.#failed !== null && options?.always !== true) return
    try {
      await (this.#hooks[hook] as (a: ArgsOf<K>) => Promise<unknown>)(args)
    } catch (error) {
      if (this.#policy === 'warn') console.warn(`agentdb: the agent could not store the ${step} (${describe(error)}); the run goes on`)
      else this.#failed ??= this.#failure(step, error)
    }
  }

  /** Throws the kept failure, if any. */
  throwIfFailed(): void {
    if (this.#failed !== null) throw this.#failed
  }
}
