// Seed: "Native Async Store" — implement async methods for true async performance.
// This store appends JSON lines to a file with fs/promises: genuinely asynchronous I/O.
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { PraisonAIDB, type Message } from 'agentdb'

class AsyncJsonlStore {
  readonly #path: string
  asyncCalls = 0
  syncCalls = 0

  constructor(path: string) {
    this.#path = path
  }

  async asyncAddMessage(message: Message): Promise<void> {
    this.asyncCalls += 1
    await appendFile(this.#path, `${JSON.stringify(message)}\n`)
  }

  addMessage(message: Message): void {
    // Sync fallback if needed (the synchronous on* surface uses it)
    this.syncCalls += 1
    appendFileSync(this.#path, `${JSON.stringify(message)}\n`)
  }
}

const store = new AsyncJsonlStore('native-async-store.jsonl')
{
  // Will use native async methods
  await using db = new PraisonAIDB(store)
  await db.aonUserMessage('session_1', 'Hello') // True async
}
console.log(`async calls: ${store.asyncCalls}, sync calls: ${store.syncCalls}`)
