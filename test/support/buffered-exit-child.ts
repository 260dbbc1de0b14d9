// Writes `count` messages with durability 'buffered', never awaiting a commit, then ends as
// `ending` says: 'beforeExit' lets the event loop run dry; 'SIGINT' signals itself, as Ctrl-C would.
import { PraisonAIDB } from '../../src/index.js'

const [url, count, ending] = process.argv.slice(2)
const db = new PraisonAIDB(url!, { durability: 'buffered' })
for (let i = 0; i < Number(count); i++) await db.aonUserMessage('buffered', `${i}`)
if (ending === 'SIGINT') {
  process.kill(process.pid, 'SIGINT')
  setTimeout(() => process.exit(3), 10_000) // only if the signal did not end the process
}
