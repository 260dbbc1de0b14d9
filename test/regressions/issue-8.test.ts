// Regressions of issue 8: each test failed before its fix.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { after, describe, it } from 'node:test'
import { PraisonAIDB, StoreError, StoreUnavailableError, type Message } from '../../src/index.js'
import { openSyncBridge } from '../../src/core/offload/sync-bridge.js'
import { PG_URL, dropSchemas } from '../postgres/admin.js'
import { runNode, type NodeRun } from '../support/run-node.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-issue8-'))
const schemas: string[] = []
after(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(...schemas)
})
const INDEX_URL = pathToFileURL(fileURLToPath(new URL('../../src/index.js', import.meta.url))).href
let files = 0
const freshDb = (): string => join(dir, `db-${++files}.db`)

const run = (args: readonly string[], stdin?: string): Promise<NodeRun> => runNode(args, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) })

/** A script that writes through the async (worker) surface and prints what it reads back. */
const script = (file: string): string => `
import { PraisonAIDB } from ${JSON.stringify(INDEX_URL)}
const db = new PraisonAIDB(${JSON.stringify(`sqlite:///${file}`)}, { retryDeadlineMs: 200 })
try {
  await db.aonUserMessage('s', 'hello')
  console.log('read:' + (await db.getMessages('s')).map((m) => m.content).join(','))
} catch (error) {
  console.log('error:' + error.name + ':' + error.message)
} finally {
  await db.aclose()
}`

describe('issue 8, defect 1: hooks work however Node runs the script', () => {
  it('node --input-type=module -e', async () => {
    const r = await run(['--input-type=module', '-e', script(freshDb())])
    assert.equal(r.stdout.trim(), 'read:hello', r.stderr)
  })

  it('a module script on stdin', async () => {
    const r = await run(['--input-type=module'], script(freshDb()))
    assert.equal(r.stdout.trim(), 'read:hello', r.stderr)
  })

  it('node -p with a dynamic import, and --require / --import / experimental flags', async () => {
    const cjs = join(dir, 'required.cjs')
    writeFileSync(cjs, 'globalThis.requiredRan = true\n')
    const mjs = join(dir, 'imported.mjs')
    writeFileSync(mjs, 'globalThis.importedRan = true\n')
    const file = join(dir, 'main.mjs')
    writeFileSync(file, script(freshDb()))
    const r = await run(['--require', cjs, '--import', pathToFileURL(mjs).href, '--experimental-vm-modules', '--no-warnings', file])
    assert.equal(r.stdout.trim(), 'read:hello', r.stderr)
    const printedFile = join(dir, 'printed.mjs')
    writeFileSync(printedFile, script(freshDb()))
    const printed = await run(['-p', `import(${JSON.stringify(pathToFileURL(printedFile).href)}).then(() => '')`])
    assert.match(printed.stdout.trim(), /read:hello$/, printed.stderr)
  })

  it('V8 and process-wide flags (--max-old-space-size, --stack-size) do not stop the store workers', async () => {
    // A worker given such a flag explicitly throws ERR_WORKER_INVALID_EXEC_ARGV (found this session:
    // every async SQLite hook failed under `node --max-old-space-size=…`).
    const file = join(dir, 'v8-flags.mjs')
    writeFileSync(file, script(freshDb()))
    const inherited = await run(['--max-old-space-size=256', '--stack-size=1500', file])
    assert.equal(inherited.stdout.trim(), 'read:hello', inherited.stderr)
    // with a flag about the main script left out, the rest is passed explicitly: the V8 ones must go
    const explicit = await run(['--max-old-space-size=256', '--input-type=module', '-e', script(freshDb())])
    assert.equal(explicit.stdout.trim(), 'read:hello', explicit.stderr)
    // the sync bridge's worker (PostgreSQL's sync surface) too
    const schema = `issue8_flags_${process.pid}_${Date.now()}`
    schemas.push(schema)
    const bridge = await run(['--max-old-space-size=256', '--input-type=module', '-e', `
import { PraisonAIDB } from ${JSON.stringify(INDEX_URL)}
const db = new PraisonAIDB(${JSON.stringify(`${PG_URL}?schema=${schema}`)})
try {
  db.onUserMessage('s', 'hello')
  console.log('read:' + db.getMessagesSync('s').map((m) => m.content).join(','))
} catch (error) {
  console.log('error:' + error.name + ':' + error.message)
} finally {
  await db.aclose()
}`])
    assert.equal(bridge.stdout.trim(), 'read:hello', bridge.stderr)
  })

  it('a store worker that cannot start rejects with a typed error saying why', async () => {
    const loader = join(dir, 'no-workers.mjs')
    writeFileSync(loader, "import { isMainThread } from 'node:worker_threads'\nif (!isMainThread) throw new Error('this loader refuses worker threads')\n")
    const r = await run(['--import', pathToFileURL(loader).href, '--input-type=module', '-e', script(freshDb())])
    assert.match(r.stdout.trim(), /^error:StoreUnavailableError:the store worker could not start: .*this loader refuses worker threads/, r.stderr)
  })
})

describe('issue 8, defect 2: metadata names the session\'s user and agent', () => {
  it('the seed quick start\'s metadata={"user_id": …} makes the session the user\'s', async () => {
    for (const url of ['memory:', `sqlite:///${freshDb()}`]) {
      await using db = new PraisonAIDB(url)
      await db.aonUserMessage('chat_123', 'Hello, how can you help me?', { user_id: 'user_456' })
      await db.aonAgentMessage('chat_123', 'I can help with various tasks.', { agent_name: 'assistant', agentId: 'agent_9' })
      await db.aonUserMessage('chat_124', 'other', { userId: 42 }) // not a string: plain metadata
      const found = await db.listSessions({ userId: 'user_456' })
      assert.deepEqual(found.items.map((s) => s.id), ['chat_123'], url)
      assert.equal(found.items[0]?.agentId, 'agent_9')
      assert.equal((await db.getSession('chat_124'))?.userId, null)
      await db.aonUserMessage('chat_123', 'again', { user_id: 'someone_else' })
      assert.equal((await db.getSession('chat_123'))?.userId, 'user_456', 'a set owner is kept')
    }
  })
})

describe('issue 8, defect 3: split storage deletes both sides', () => {
  it('deleteSessionSync removes the state side too', () => {
    using db = new PraisonAIDB({ conversation: `sqlite:///${freshDb()}`, state: `sqlite:///${freshDb()}` })
    db.onAgentStart('s', 'Agent')
    db.onUserMessage('s', 'hi')
    assert.equal(db.getAgentStatesSync('s').length, 1)
    assert.equal(db.deleteSessionSync('s'), true)
    assert.deepEqual(db.getAgentStatesSync('s'), [])
    db.onAgentStart('only-state', 'Agent')
    assert.equal(db.deleteSessionSync('only-state'), true)
    assert.deepEqual(db.getAgentStatesSync('only-state'), [])
  })
})

describe('issue 8, defect 4: close() while aonAgentStart reads its history', () => {
  it('finishes the read', async () => {
    for (const url of ['memory:', `sqlite:///${freshDb()}`]) {
      const db = new PraisonAIDB(url)
      await db.aonUserMessage('s', 'one')
      await db.aonAgentMessage('s', 'two')
      const started = db.aonAgentStart('s', 'Agent')
      db.close()
      const history = await started
      assert.deepEqual(history.map((m: Message) => m.content), ['one', 'two'], url)
      await db.aclose()
    }
  })
})

describe('issue 8, defect 5: a closed sync bridge fails at once', () => {
  it('throws STORE_CLOSED instead of waiting for syncTimeoutMs', { timeout: 20_000 }, () => {
    const schema = `issue8_bridge_${process.pid}`
    schemas.push(schema)
    const bridge = openSyncBridge({ kind: 'url', target: PG_URL, options: { schema } }, 600_000, 'test bridge')
    assert.equal(bridge.getSession('nothing'), null)
    bridge.close()
    assert.throws(() => bridge.getSession('nothing'), (e: unknown) => e instanceof StoreError && e.code === 'STORE_CLOSED')
    bridge.close() // twice is harmless
  })
})

/** A port that refuses connections for `delayMs`, then forwards to PostgreSQL, served by another thread. */
async function lateProxy(delayMs: number): Promise<{ port: number; stop(): Promise<void> }> {
  const probe = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => probe.once('listening', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  const worker = new Worker(`
    const net = require('node:net')
    const { parentPort } = require('node:worker_threads')
    setTimeout(() => {
      net.createServer((client) => {
        const server = net.connect(5432, '127.0.0.1')
        client.pipe(server).pipe(client)
        client.on('error', () => server.destroy())
        server.on('error', () => client.destroy())
      }).listen(${port}, '127.0.0.1', () => parentPort.postMessage('listening'))
    }, ${delayMs})`, { eval: true })
  void connect // keep the import used for type checking of net
  return { port, stop: () => worker.terminate().then(() => undefined) }
}

describe('issue 8, defect 6: sync reads are retried within retryDeadlineMs', () => {
  it('a sync read waits out a short outage instead of failing', { timeout: 60_000 }, async () => {
    const schema = `issue8_retry_${process.pid}`
    schemas.push(schema)
    const url = `postgresql://postgres@127.0.0.1:5432/test?schema=${schema}`
    {
      await using writer = new PraisonAIDB(url)
      await writer.aonUserMessage('s', 'kept')
    }
    const proxy = await lateProxy(1500)
    try {
      using db = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, { retryDeadlineMs: 20_000, connectTimeoutMs: 1000 })
      assert.deepEqual(db.getMessagesSync('s').map((m) => m.content), ['kept'])
      assert.deepEqual(db.getAgentStatesSync('s'), [])
    } finally {
      await proxy.stop()
    }
    using down = new PraisonAIDB(`postgresql://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, { retryDeadlineMs: 300, connectTimeoutMs: 200 })
    assert.throws(() => down.getAgentStatesSync('s'), StoreUnavailableError)
  })
})

describe('issue 8, defect 8: a user store shared by processes assigns seq', () => {
  it('takes the seq a write method returns and counts on from it', async () => {
    const proposed: number[] = []
    await using db = new PraisonAIDB({
      addMessage(message: Message) {
        proposed.push(message.seq)
        return message.seq + 100
      },
    })
    await db.aonUserMessage('s', 'a')
    await db.aonUserMessage('s', 'b')
    assert.deepEqual(proposed, [1, 102])
  })

  it('two processes appending to one session through one such store get distinct, gapless seqs', { timeout: 60_000 }, async () => {
    const file = freshDb()
    const writer = fileURLToPath(new URL('../fixtures/user-store-writer.js', import.meta.url))
    const results = await Promise.all([0, 1].map((w) => run([writer, file, String(w), '40'])))
    for (const r of results) assert.equal(r.code, 0, r.stderr)
    const { default: Database } = await import('better-sqlite3')
    const check = new Database(file, { readonly: true })
    try {
      const rows = check.prepare('SELECT seq, proposed FROM messages WHERE session_id = ? ORDER BY seq').all('shared') as { seq: number; proposed: number }[]
      assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 80 }, (_, i) => i + 1))
      assert.ok(rows.some((r) => r.seq !== r.proposed), 'the processes did propose clashing seqs, which the store overrode')
    } finally {
      check.close()
    }
  })
})
