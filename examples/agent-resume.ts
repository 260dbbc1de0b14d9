// A tool-using agent that resumes after a restart: run it twice with the same session id,
// `node build/examples/agent-resume.js chat_42 "Weather in Paris?"` then `… chat_42 "And tomorrow?"`;
// the second process sends the model the first one's turns (tool calls and results included).
import { z } from 'zod'
import { Agent, PraisonAIDB, type AgentTool } from 'agentdb'

const weather: AgentTool<{ city: string }> = {
  name: 'get_weather',
  description: 'The current weather of a city',
  parameters: z.object({ city: z.string() }), // or a JSON Schema object
  execute: ({ city }) => ({ city, tempC: 21, sky: 'clear' }),
}

const [sessionId = 'chat_42', prompt = 'Weather in Paris?'] = process.argv.slice(2)
await using db = new PraisonAIDB(process.env['AGENTDB_URL'] || 'sqlite:///agent_data.db')
await using agent = new Agent({ name: 'Assistant', db, sessionId, tools: [weather], historyLimit: 20 })
console.log(await agent.runAsync(prompt))
