import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, PraisonAIDB, type AgentOptions, type AgentTool } from '../../src/index.js'
import type { LlmServer } from '../support/llm-server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'

/** A store the agent tests run on: fresh URLs, one cleanup at the end. */
export interface StoreCase {
  readonly name: string
  url(): string
  cleanup(): Promise<void>
}

export function memoryCase(): StoreCase {
  return { name: 'memory', url: () => 'memory:', cleanup: () => Promise.resolve() }
}

export function sqliteCase(): StoreCase {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-agent-'))
  let n = 0
  return { name: 'sqlite', url: () => `sqlite:///${join(dir, `agent-${n++}.db`)}`, cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) }
}

export function postgresCase(): StoreCase {
  const run = `agentdb_agent_${randomBytes(5).toString('hex')}`
  const schemas: string[] = []
  return {
    name: 'postgres',
    url: () => {
      const schema = `${run}_${schemas.length}`
      schemas.push(schema)
      return `${PG_URL}?schema=${schema}`
    },
    cleanup: () => dropSchemas(...schemas),
  }
}

/** The endpoint settings that point an agent at the scripted server. */
export const llmOf = (server: LlmServer) => ({ model: 'test-model', baseURL: server.baseUrl, apiKey: 'sk-test-secret', maxRetries: 2 })

/** An agent on `db` talking to the scripted server. */
export function agentOn(db: PraisonAIDB | undefined, server: LlmServer, options: Partial<AgentOptions> = {}): Agent {
  return new Agent({ name: 'Assistant', instructions: 'You are a helpful assistant.', db, llm: llmOf(server), ...options })
}

/** A tool that reports the weather of a city. */
export const weather: AgentTool<{ city: string }> = {
  name: 'get_weather',
  description: 'The current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => ({ city, tempC: 21, sky: 'clear' }),
}

/** The roles of a request's messages, with tool-call ids where they pair. */
export function shape(messages: readonly Record<string, unknown>[]): string[] {
  return messages.map((m) => {
    if (m['role'] === 'tool') return `tool:${String(m['tool_call_id'])}`
    const calls = m['tool_calls'] as { id: string }[] | undefined
    return calls === undefined ? String(m['role']) : `assistant[${calls.map((c) => c.id).join(',')}]`
  })
}

/**
 * Messages with tool results parsed: PostgreSQL's jsonb keeps an object's keys in its own
 * order, so a stored result renders as the same JSON with its keys in another order.
 */
export function parsedResults(messages: readonly object[]): unknown[] {
  return messages.map((m) => {
    const message = m as Record<string, unknown>
    if (message['role'] !== 'tool') return message
    try {
      return { ...message, content: JSON.parse(String(message['content'])) as unknown }
    } catch {
      return message
    }
  })
}
