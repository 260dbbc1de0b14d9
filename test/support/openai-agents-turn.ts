// One OpenAI Agents JS turn (a real Agent with a function tool, Chat Completions against a local
// server) whose session is an AgentDBSession: the e2e test runs it in its process and in a child
// (test/fixtures/openai-agents-child.ts).
import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents'
import { z } from 'zod'
import { PraisonAIDB } from '../../src/index.js'
import { AgentDBSession } from '../../src/adapters/openai-agents/index.js'

const getWeather = tool({
  name: 'get_weather',
  description: 'The current weather of a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => `${city}: 21°C, clear`,
})

/** Runs one turn of the weather agent on `sessionId`, the model at `baseUrl`; resolves to its final output. */
export async function runTurn(db: PraisonAIDB, sessionId: string, baseUrl: string, prompt: string): Promise<unknown> {
  const agent = new Agent({ name: 'Assistant', instructions: 'You are a helpful assistant.', model: 'test-model', tools: [getWeather] })
  const runner = new Runner({ modelProvider: new OpenAIProvider({ apiKey: 'sk-test', baseURL: baseUrl, useResponses: false }), tracingDisabled: true })
  const session = new AgentDBSession({ db, sessionId, userId: 'user-e2e' })
  const result = await runner.run(agent, prompt, { session })
  return result.finalOutput
}
