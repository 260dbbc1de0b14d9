import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PraisonAIDB } from '../../src/index.js'

const CHILD = fileURLToPath(new URL('./multi-process-child.js', import.meta.url))

function runChild(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${args[1]} exited with ${code}: ${stderr.slice(-2000)}`))))
  })
}

/**
 * Starts `processes` Node processes that each append `sessions` x `messages` to their own
 * sessions and `messages` to each of `shared` sessions all of them write, concurrently, to
 * one database; then checks every message is there exactly once and each process's
 * messages keep their order within every session.
 */
export async function checkMultiProcess(url: string, options = { processes: 4, sessions: 50, messages: 100, shared: 4 }): Promise<void> {
  const { processes, sessions, messages, shared } = options
  await Promise.all(Array.from({ length: processes }, (_, w) => runChild([url, String(w), String(sessions), String(messages), String(shared)])))
  await using db = new PraisonAIDB(url)
  for (let w = 0; w < processes; w++) {
    for (let i = 0; i < sessions; i++) {
      const got = await db.getMessages(`mp-${w}-${i}`)
      assert.deepEqual(got.map((m) => m.content), Array.from({ length: messages }, (_, m) => `${w}:${m}`), `session mp-${w}-${i}`)
      assert.deepEqual(got.map((m) => m.seq), Array.from({ length: messages }, (_, m) => m + 1))
    }
  }
  for (let i = 0; i < shared; i++) {
    const got = await db.getMessages(`mp-shared-${i}`)
    assert.equal(got.length, processes * messages, `shared session ${i} has every message once`)
    assert.equal(new Set(got.map((m) => m.content)).size, got.length)
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: got.length }, (_, k) => k + 1), 'seqs are 1..n with no gaps or duplicates')
    for (let w = 0; w < processes; w++) {
      const mine = got.filter((m) => m.content.startsWith(`${w}:`)).map((m) => Number(m.content.split(':')[1]))
      assert.deepEqual(mine, Array.from({ length: messages }, (_, m) => m), `writer ${w} keeps its order in shared session ${i}`)
    }
  }
}
