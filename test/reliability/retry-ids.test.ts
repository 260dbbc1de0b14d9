// Issue 12, item 6, across processes: two processes call the same write hooks with the same
// caller ids at the same moment, then retry every call. Each id is stored exactly once, the
// retries resolve and change nothing (the first write stands), and no seq is given twice.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { createTestDatabase, dropTestDatabase, rootUrl } from '../mysql/server.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'
import { deleteKeys } from '../redis/admin.js'

const CHILD = fileURLToPath(new URL('../fixtures/retry-ids-child.js', import.meta.url))
const SESSIONS = 3
const RECORDS = 40

interface Writer { readonly child: ChildProcess; readonly output: () => string; readonly exited: Promise<void> }

function startWriter(url: string, writer: number): Writer {
  const child = spawn(process.execPath, [CHILD, url, String(writer), String(SESSIONS), String(RECORDS)], { stdio: ['pipe', 'pipe', 'pipe'] })
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString() })
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${writer} exited with ${code}:\n${text.slice(-3000)}`))))
  })
  return { child, output: () => text, exited }
}

async function untilReady(writer: Writer): Promise<void> {
  while (!writer.output().includes('ready\n')) {
    if (writer.child.exitCode !== null) throw new Error(`a writer ended before it was ready:\n${writer.output()}`)
    await once(writer.child.stdout!, 'data')
  }
}

async function checkRetriedIds(url: string): Promise<void> {
  const writers = [startWriter(url, 0), startWriter(url, 1)]
  await Promise.all(writers.map(untilReady))
  for (const w of writers) w.child.stdin!.end('go\n')
  await Promise.all(writers.map((w) => w.exited))
  for (const w of writers) assert.match(w.output(), /^done$/m, 'every retried call resolved')
  await using db = new PraisonAIDB(url)
  for (let k = 0; k < SESSIONS; k++) {
    const s = `retry-ids-${k}`
    const timeline = await db.getTimeline(s)
    const messages = timeline.flatMap((i) => (i.kind === 'message' ? [i.message] : []))
    const toolCalls = timeline.flatMap((i) => (i.kind === 'toolCall' ? [i.toolCall] : []))
    assert.deepEqual(messages.map((m) => m.id).sort(), Array.from({ length: RECORDS }, (_, i) => `${s}-m-${i}`).sort(), `${s}: one message per id`)
    assert.deepEqual(toolCalls.map((t) => t.id).sort(), Array.from({ length: RECORDS }, (_, i) => `${s}-t-${i}`).sort(), `${s}: one tool call per id`)
    for (const m of messages) {
      assert.match(m.content, /^w[01]:\d+$/, `the first write stands: ${m.content}`)
      assert.equal(m.content.split(':')[1], m.id.split('-m-')[1])
    }
    for (const t of toolCalls) {
      assert.match(String(t.result), /^w[01]$/, `the first write stands: ${String(t.result)}`)
      assert.deepEqual(Object.keys(t.arguments), ['i'])
    }
    const seqs = timeline.map((i) => i.seq)
    assert.equal(new Set(seqs).size, seqs.length, `${s}: no seq given twice`)
    // each writer writes its records in order; whichever wrote an id first, the ids keep that order within the session
    const order = messages.map((m) => Number(m.id.split('-m-')[1]))
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `${s}: messages in the order their ids were first written`)
  }
}

describe('retried hooks with the same ids from two processes at once (issue 12, item 6)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-retry-ids-'))
  const schema = `agentdb_retry_${randomBytes(5).toString('hex')}`
  const prefix = `agentdb-retry-${randomBytes(5).toString('hex')}:`
  let database: string | undefined
  after(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropSchemas(schema)
    await deleteKeys(prefix)
    if (database !== undefined) await dropTestDatabase(database)
  })

  it('SQLite: one row per id, the retries resolve, the first write stands, no seq twice', () => checkRetriedIds(`sqlite:///${join(dir, 'retry.db')}`))
  it('PostgreSQL: one row per id, the retries resolve, the first write stands, no seq twice', () => checkRetriedIds(`${PG_URL}?schema=${schema}`))
  it('MariaDB: one row per id, the retries resolve, the first write stands, no seq twice', async () => {
    database = await createTestDatabase()
    await checkRetriedIds(rootUrl(database))
  })
  it('Redis: one row per id, the retries resolve, the first write stands, no seq twice', () =>
    checkRetriedIds(`redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(prefix)}`))
})
