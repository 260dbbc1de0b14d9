// Seed: "Common Patterns — Complete Async Lifecycle".
import { PraisonAIDB } from 'agentdb'

export async function agentLifecycle(url = 'sqlite:///lifecycle.db'): Promise<void> {
  await using db = new PraisonAIDB(url)
  const sessionId = 'session_789'

  // Start agent session (resolves to the session's prior messages: a restarted agent resumes)
  await db.aonAgentStart({ sessionId, name: 'DataAgent', agentId: 'agent_123' })

  // User interaction
  await db.aonUserMessage({ sessionId, content: 'Analyze this data', metadata: { timestamp: '2024-01-01T10:00:00Z' } })

  // Tool execution
  await db.aonToolCall({ sessionId, toolName: 'data_analyzer', arguments: { file: 'data.csv' }, result: { rows: 1000, columns: 5 } })

  // Agent response
  await db.aonAgentMessage({ sessionId, content: 'Analysis complete: 1000 rows, 5 columns found.' })

  // End session
  await db.aonAgentEnd({ sessionId, name: 'DataAgent', agentId: 'agent_123' })
}

if (import.meta.url === `file://${process.argv[1]}`) await agentLifecycle()
