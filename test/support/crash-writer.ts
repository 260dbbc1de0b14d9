// A writer for SIGKILL rounds (sigkill.test.ts): `sessions` sessions append concurrently, each
// awaiting its previous message, as fast as they can; every acknowledged write is reported on
// stdout as `ack <session> <index>` (a pipe on Linux is written synchronously, so a reported
// line survives the kill). "open" is printed just before the first hook, which opens (and on a
// fresh database migrates) the store. Stops by itself after `maxMs`, in case nobody kills it.
// argv: url, session-id prefix, sessions, maxMs.
import { PraisonAIDB } from '../../src/index.js'

const [url, prefix, sessions, maxMs] = process.argv.slice(2)
const stopAt = Date.now() + Number(maxMs)
const db = new PraisonAIDB(url!, { retryDeadlineMs: 30_000 })
process.stdout.write('open\n')
await Promise.all(Array.from({ length: Number(sessions) }, async (_, s) => {
  const sessionId = `${prefix}-${s}`
  for (let i = 0; Date.now() < stopAt; i++) {
    await db.aonUserMessage(sessionId, String(i), { i })
    process.stdout.write(`ack ${sessionId} ${i}\n`)
  }
}))
await db.aclose()
