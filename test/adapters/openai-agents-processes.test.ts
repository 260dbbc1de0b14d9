// Issue 13: AgentDBSession.addItems from two processes at once (each with concurrent loops) on one
// session, on SQLite and PostgreSQL: every batch is stored once, whole and in order, and each
// loop's batches keep their order.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { AgentDBSession } from '../../src/adapters/openai-agents/index.js'
import { appenderBatch } from '../support/openai-agents-batches.js'
import { dropSchemas, PG_URL } from '../postgres/admin.js'

const CHILD = fileURLToPath(new URL('../fixtures/openai-agents-appender.js', import.meta.url))
const WRITERS = 2
const LOOPS = 3
const BATCHES = 12

function runAppender(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender ${args[2]} exited with ${code}: ${stderr.slice(-2000)}`))))
  })
}

async function checkAppenders(url: string): Promise<void> {
  const sessionId = `oa-mp-${randomBytes(4).toString('hex')}`
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => runAppender([url, sessionId, String(w), String(LOOPS), String(BATCHES)])))
  await using db = new PraisonAIDB(url)
  const items = await new AgentDBSession({ db, sessionId }).getItems()
  assert.equal(items.length, WRITERS * LOOPS * BATCHES * 4)
  const order = new Map<string, number[]>()
  for (let at = 0; at < items.length; at += 4) {
    const [tag, b] = String((items[at] as { content: unknown }).content).split(' ')[0]!.split('/') as [string, string]
    assert.deepStrictEqual(items.slice(at, at + 4), appenderBatch(tag, Number(b)), `the batch at ${at} is whole`)
    order.set(tag, [...order.get(tag) ?? [], Number(b)])
  }
  assert.equal(order.size, WRITERS * LOOPS)
  for (const [tag, batches] of order) assert.deepEqual(batches, Array.from({ length: BATCHES }, (_, b) => b), `loop ${tag} keeps its order, each batch once`)
  const seqs = (await db.getTimeline(sessionId)).map((e) => e.seq)
  assert.equal(new Set(seqs).size, seqs.length)
}

describe('AgentDBSession: two processes appending to one session', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdb-oa-mp-'))
  const schema = `agentdb_oa_mp_${randomBytes(5).toString('hex')}`
  after(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropSchemas(schema)
  })

  it('SQLite file', () => checkAppenders(`sqlite:///${join(dir, 'mp.db')}`))
  it('PostgreSQL', () => checkAppenders(`${PG_URL}?schema=${schema}`))
})
