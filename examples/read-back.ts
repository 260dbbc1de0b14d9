// Reads a session back in a separate process: `node build/examples/read-back.js <url> <sessionId>`.
import { PraisonAIDB } from 'agentdb'
import { printTimeline } from './print-timeline.js'

const [url = 'sqlite:///agent_data.db', sessionId = 'session_789'] = process.argv.slice(2)
await using db = new PraisonAIDB(url)
const { items } = await db.listSessions({ limit: 10 })
console.log(`\nread back by process ${process.pid}: ${items.length} session(s): ${items.map((s) => s.id).join(', ')}`)
await printTimeline(db, sessionId)
