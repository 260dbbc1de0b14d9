// Seed: "Wire to Async Agent" — connect async DB hooks to an async agent for seamless persistence.
// The model endpoint comes from OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (Ollama, vLLM,
// LM Studio, OpenRouter …) and OPENAI_MODEL; the database from AGENTDB_URL (the seed's is
// "postgresql://user:pass@host/db").
import { Agent, PraisonAIDB } from 'agentdb'

const agent = new Agent({
  name: 'Assistant',
  instructions: 'You are a helpful assistant.',
  db: new PraisonAIDB(process.env['AGENTDB_URL'] || 'sqlite:///agent_data.db'),
  asyncMode: true,
})

async function chat(): Promise<void> {
  await using _db = agent.db // the seed: `async with agent.db:` closes it after the chat
  const response = await agent.runAsync("What's the weather like?")
  console.log(response)
}

await chat()
