import { aiSdkConformance } from './adapters/ai-sdk.js'
import { openaiAgentsConformance } from './adapters/openai-agents.js'
import { praisonaiConformance } from './adapters/praisonai.js'
import type { ConformanceTarget, TestApi } from './conformance.js'

/**
 * The adapter kit: every framework adapter's checks (OpenAI Agents JS sessions, AI SDK chat
 * stores, praisonai-ts's `DbAdapter`) on one store, like `storeConformance` for the store
 * itself. Each section opens its own databases from `target`, whose `destroy` runs once at the end.
 *
 * ```ts
 * import { describe, it, after } from 'node:test'
 * adapterConformance({ describe, it, after }, { name: 'mine', capabilities: { syncSurface: true, reads: true, persistent: true },
 *   url: () => `sqlite:///${freshFile()}` })
 * ```
 */
export function adapterConformance(test: TestApi, target: ConformanceTarget): void {
  // Each section would destroy the target's storage when it ends; the kit does so once, after all.
  const { destroy: _destroy, ...shared } = target
  test.describe(`adapter kit: ${target.name}`, () => {
    openaiAgentsConformance(test, shared)
    aiSdkConformance(test, shared)
    praisonaiConformance(test, shared)
    test.after?.(() => target.destroy?.())
  })
}
