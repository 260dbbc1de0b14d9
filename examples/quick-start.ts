// Seed: "Quick Start", step 1 — the async context manager.
import { PraisonAIDB } from 'agentdb'

async function main(): Promise<void> {
  await using db = new PraisonAIDB('sqlite:///agent_data.db')
  // Store user message
  await db.aonUserMessage('chat_123', 'Hello, how can you help me?', { user_id: 'user_456' })
  // Store agent message
  await db.aonAgentMessage('chat_123', 'I can help with various tasks.', { agent_name: 'assistant' })
}

await main()
