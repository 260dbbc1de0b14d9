// Seed: "Best Practices" — each accordion, runnable.
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { PraisonAIDB, type Message } from 'agentdb'

// "Implement async_* methods for performance"
class OptimizedStore {
  // ✅ Native async - no thread overhead
  async asyncAddMessage(message: Message): Promise<void> {
    await appendFile('optimized-store.jsonl', `${JSON.stringify(message)}\n`)
  }

  // ✅ Sync fallback for compatibility
  addMessage(message: Message): void {
    appendFileSync('optimized-store.jsonl', `${JSON.stringify(message)}\n`)
  }
}

const store = 'sqlite:///best_practices.db'

// "Always use async with for cleanup"
{
  // ✅ Good: Automatic cleanup
  await using db = new PraisonAIDB(store)
  await db.aonUserMessage('session', 'Hello')
}
{
  // ❌ Bad: Manual cleanup required
  const db = new PraisonAIDB(store)
  await db.aonUserMessage('session', 'Hello')
  await db.aclose() // Must remember to call
}

// "Handle metadata consistently"
{
  await using db = new PraisonAIDB(store)
  const metadata = {
    user_id: 'user_123',
    session_type: 'chat',
    timestamp: new Date().toISOString(),
    environment: 'production',
  }
  await db.aonUserMessage({ sessionId: 'session_456', content: 'User input', metadata })
}

// "Use sync context manager for mixed environments"
{
  // Sync context (for mixed sync/async code)
  using db = new PraisonAIDB(store)
  // Use sync methods
  db.onUserMessage('session', 'Hello')
}
{
  // Async context (for async agents)
  await using db = new PraisonAIDB(new OptimizedStore())
  // Use async methods
  await db.aonUserMessage('session', 'Hello')
}
console.log('best practices: done')
