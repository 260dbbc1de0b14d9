// Seed: "Sync Store Compatibility" — a store with only synchronous methods still works
// with the async hooks. Methods receive the full record (with sessionId and seq).
// A plain object runs on the calling thread; see README "Threads" for running one in a worker.
import { appendFileSync } from 'node:fs'
import { PraisonAIDB, type Message } from 'agentdb'

class MySQLStore {
  readonly rows: Message[] = []

  addMessage(message: Message): void {
    // Sync implementation: here, a line in a log file and a row in memory
    appendFileSync('sync-store.log', `${message.sessionId} #${message.seq} ${message.role}: ${message.content}\n`)
    this.rows.push(message)
  }
  // No asyncAddMessage - the sync method is called (and awaited if it returned a promise)
}

const store = new MySQLStore()
{
  await using db = new PraisonAIDB(store)
  // Still works - automatically wrapped
  await db.aonUserMessage('session_1', 'Hello')
}
console.log(`stored ${store.rows.length} message(s): ${store.rows.map((m) => `${m.role} "${m.content}"`).join(', ')}`)
