// Issue 12, item 2, for the synchronous surface: a network store that stops answering (a
// proxy that forwards nothing and closes nothing, as a SIGSTOPped server or a silent network)
// makes every sync call throw StoreUnavailableError within retryDeadlineMs, not after the
// bridge's own timeout (here 10 minutes), and the bridge works again once the server answers.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { dropSchemas } from '../postgres/admin.js'
import { createTestDatabase, dropTestDatabase, MYSQL_PORT } from '../mysql/server.js'
import { deleteKeys } from '../redis/admin.js'
import { SECRET } from '../support/secrets.js'

const CHILD = fileURLToPath(new URL('../fixtures/silent-sync-child.js', import.meta.url))
/** The child's whole run: five calls of retryDeadlineMs (1.5 s) each plus start-up, far below syncTimeoutMs (600 s). */
const CHILD_LIMIT_MS = 45_000

interface Step { readonly step: string; readonly ok?: boolean; readonly held?: number; readonly name?: string; readonly code?: string; readonly message?: string; readonly contents?: string[] }

/** Runs the child; fails if it has not finished within CHILD_LIMIT_MS (a sync call was not bounded). */
function runChild(template: string, serverPort: number): Promise<{ steps: Step[]; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, template, String(serverPort)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL') reject(new Error(`the child was still blocked after ${CHILD_LIMIT_MS} ms: a sync call was not bounded by retryDeadlineMs\n${stdout}${stderr}`))
      else if (code !== 0) reject(new Error(`the child exited with ${code}:\n${stdout}${stderr}`))
      else resolve({ steps: stdout.trim().split('\n').map((line) => JSON.parse(line) as Step), output: stdout + stderr })
    })
  })
}

async function checkSilentServer(template: string, serverPort: number): Promise<void> {
  const { steps, output } = await runChild(template, serverPort)
  const byName = new Map(steps.map((s) => [s.step, s]))
  assert.equal(byName.get('before')?.ok, true)
  assert.ok((byName.get('paused')?.held ?? 0) >= 1, 'the proxy held the bridge\'s open connection: the silence reached it')
  for (const name of ['onUserMessage', 'getMessagesSync', 'onAgentStart', 'listSessionsSync', 'scoped onUserMessage']) {
    const step = byName.get(name)
    assert.equal(step?.ok, false, `${name} did not fail while the server was silent`)
    assert.equal(step.name, 'StoreUnavailableError', `${name}: ${step.name} ${step.message}`)
  }
  const contents = byName.get('after')?.contents ?? []
  assert.ok(contents.includes('before') && contents.includes('after'), `the bridge works again once the server answers: ${contents.join(', ')}`)
  for (const c of new Set(contents)) assert.equal(contents.filter((x) => x === c).length, 1, `${c} is stored once`)
  assert.ok(!output.includes(SECRET), 'no password in any error or output')
}

describe('the sync surface under a server that stops answering (issue 12)', () => {
  const schema = `agentdb_silent_${randomBytes(5).toString('hex')}`
  const prefix = `agentdb-silent-${randomBytes(5).toString('hex')}:`
  let database: string | undefined
  after(async () => {
    await dropSchemas(schema)
    await deleteKeys(prefix)
    if (database !== undefined) await dropTestDatabase(database)
  })

  it('PostgreSQL: every sync call throws StoreUnavailableError within retryDeadlineMs, then works again', () =>
    checkSilentServer(`postgresql://postgres:${SECRET}@127.0.0.1:PORT/test?schema=${schema}`, 5432))

  it('MariaDB: every sync call throws StoreUnavailableError within retryDeadlineMs, then works again', async () => {
    database = await createTestDatabase()
    await checkSilentServer(`mysql://root@127.0.0.1:PORT/${database}`, MYSQL_PORT)
  })

  it('Redis: every sync call throws StoreUnavailableError within retryDeadlineMs, then works again', () =>
    checkSilentServer(`redis://127.0.0.1:PORT/0?keyPrefix=${encodeURIComponent(prefix)}&commandTimeoutMs=600000`, 6379))
})
