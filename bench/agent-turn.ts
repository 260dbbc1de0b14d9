import { Agent, PraisonAIDB, type AgentTool } from '../src/index.js'
import { startLlmServer, type LlmServer } from '../test/support/llm-server.js'
import { median, summarize, type Latency } from './stats.js'
import { freshSqlitePath, removeSqlite } from './targets.js'

/** What persistence one agent turn runs with. */
export type AgentTurnVariant = 'none' | 'memory' | 'sqlite'

/** Per-turn latency of one variant in one repetition. */
export interface AgentTurnRep {
  readonly variant: AgentTurnVariant
  readonly latency: Latency
}

/** Medians over repetitions, and what persistence adds to a turn against no store. */
export interface AgentTurnSummary {
  readonly variant: AgentTurnVariant
  readonly p50Ms: number
  readonly meanMs: number
  readonly overheadMs: number | null
}

const lookup: AgentTool = { name: 'lookup', execute: () => ({ found: true }) }

/** An agent on `db` against the scripted server, its session started; historyLimit keeps every request the same size. */
function benchAgent(server: LlmServer, db: PraisonAIDB | undefined): Agent {
  return new Agent({ db, tools: [lookup], historyLimit: 1, llm: { model: 'bench', baseURL: server.baseUrl, apiKey: 'bench' } })
}

/**
 * One repetition: `turns` turns per variant, the variants taking turns (none, memory, SQLite,
 * none …) so that load and JIT warm-up fall on all alike. A turn: the prompt, a tool call, its
 * result back, the answer — two model calls to the local scripted server.
 */
export async function measureAgentTurns(turns: number): Promise<AgentTurnRep[]> {
  const server = await startLlmServer()
  const path = freshSqlitePath('agent-turn')
  const dbs = { none: undefined, memory: new PraisonAIDB('memory:'), sqlite: new PraisonAIDB(`sqlite:///${path}`) }
  const variants: AgentTurnVariant[] = ['none', 'memory', 'sqlite']
  const agents = variants.map((v) => benchAgent(server, dbs[v]))
  const samples: number[][] = variants.map(() => [])
  try {
    for (let i = -10; i < turns; i++) {
      for (const [k, agent] of agents.entries()) {
        server.reply({ kind: 'tools', calls: [{ id: `call_${i}`, name: 'lookup', arguments: '{"q":"x"}' }] }, { kind: 'text', content: 'found it' })
        const started = performance.now()
        await agent.runAsync(`turn ${i}`)
        if (i >= 0) samples[k]!.push(performance.now() - started)
      }
    }
  } finally {
    for (const agent of agents) await agent.aclose()
    await dbs.memory.aclose()
    await dbs.sqlite.aclose()
    removeSqlite(path)
    await server.close()
  }
  return variants.map((variant, k) => ({ variant, latency: summarize(samples[k]!) }))
}

/** Medians of the repetitions; overhead is a variant's median turn minus the no-store one's. */
export function summarizeAgentTurns(reps: readonly AgentTurnRep[]): AgentTurnSummary[] {
  const variants: AgentTurnVariant[] = ['none', 'memory', 'sqlite']
  const p50 = (v: AgentTurnVariant): number => median(reps.filter((r) => r.variant === v).map((r) => r.latency.p50))
  return variants.map((variant) => ({
    variant, p50Ms: p50(variant), meanMs: median(reps.filter((r) => r.variant === variant).map((r) => r.latency.mean)),
    overheadMs: variant === 'none' ? null : p50(variant) - p50('none'),
  }))
}
