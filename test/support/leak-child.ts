// A process that runs hooks on a URL carrying a password and hits errors, printing each the
// ways an application would; its parent (secrets.ts) searches stdout and stderr for the password.
// argv: url, scenario ("down": the server is unreachable; "refused": the server refuses writes;
// "forbidden": a user scope is refused another user's session).
import { inspect } from 'node:util'
import { PraisonAIDB } from '../../src/index.js'

const [url, scenario] = process.argv.slice(2)
let last: unknown

function report(error: unknown): void {
  last = error
  const { name, code } = error as { name?: unknown; code?: unknown }
  console.log(`caught ${String(name)} ${String(code)}`)
  console.log(String(error))
  console.error(error)
  console.log(JSON.stringify(error))
  console.log(inspect(error, { depth: 10, showHidden: true }))
}

async function attempt(run: () => unknown): Promise<void> {
  try {
    await run()
  } catch (error) {
    report(error)
  }
}

const db = new PraisonAIDB(url!, { retryDeadlineMs: 200, connectTimeoutMs: 2000 })
console.log(db, String(db), inspect(db, { depth: 10, showHidden: true }), JSON.stringify(db))
if (scenario === 'down') {
  await attempt(() => db.aonUserMessage('leak', 'x'))
  await attempt(() => db.getMessages('leak'))
  await attempt(() => db.onUserMessage('leak', 'x')) // raised in the bridge's worker thread
  await attempt(() => db.getMessagesSync('leak'))
} else if (scenario === 'refused') {
  await attempt(() => db.aonUserMessage('leak', 'x'))
  await attempt(() => db.onUserMessage('leak', 'x'))
} else if (scenario === 'forbidden') {
  // a user scope refused on another user's session, async and through the sync bridge
  const s = `leak-forbidden-${process.pid}`
  await db.forUser('owner').aonUserMessage(s, 'mine')
  const other = db.forUser('other')
  console.log(other, String(other), inspect(other, { depth: 10, showHidden: true }))
  await attempt(() => other.aonUserMessage(s, 'x'))
  await attempt(() => other.getMessages(s))
  await attempt(() => other.onUserMessage(s, 'x'))
  await attempt(() => other.getMessagesSync(s))
} else {
  throw new Error(`unknown scenario ${String(scenario)}`)
}
await db.aclose()
// The last error escapes, so Node prints it (with its cause) the way it prints any crash.
throw last
