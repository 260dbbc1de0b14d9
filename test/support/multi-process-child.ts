import { PraisonAIDB } from '../../src/index.js'

// One of the writer processes of multi-process.ts: argv = url, worker index, sessions, messages, shared sessions.
const [url, worker, sessions, messages, shared] = process.argv.slice(2)
const db = new PraisonAIDB(url!)
const w = Number(worker)
const own = Array.from({ length: Number(sessions) }, (_, i) => `mp-${w}-${i}`)
const common = Array.from({ length: Number(shared) }, (_, i) => `mp-shared-${i}`)
await Promise.all([...own, ...common].map(async (s) => {
  for (let m = 0; m < Number(messages); m++) await db.aonUserMessage(s, `${w}:${m}`, { w, m })
}))
await db.aclose()
