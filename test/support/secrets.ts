import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import { randomUUID } from 'node:crypto'
import { PraisonAIDB, StoreError, StoreUnavailableError } from '../../src/index.js'
import { closedPort } from './ports.js'

/** A password that appears nowhere by chance, for URLs whose leaks a test looks for. */
export const SECRET = 'S3cr3t-pw-XYZ'

/** Every way a caller may print an error: message, String, inspect (walks `cause`), JSON. */
export function printedForms(error: unknown): string[] {
  assert.ok(error instanceof Error, `expected an Error, got ${inspect(error)}`)
  return [error.message, String(error), inspect(error, { depth: 10 }), JSON.stringify(error), error.stack ?? '']
}

/** Asserts `secret` appears in no printed form of `error`, nor of the `db` that raised it. */
export function assertHidden(secret: string, error: unknown, db?: Pick<PraisonAIDB, 'target'>): void {
  const forms = printedForms(error)
  if (db !== undefined) forms.push(String(db), inspect(db, { depth: 10 }), db.target)
  for (const text of forms) assert.ok(!text.includes(secret), `the secret leaked into: ${text.slice(0, 1000)}`)
}

/** Runs `use`, which must throw (sync or async); returns what it threw. */
export async function thrown(use: () => unknown): Promise<unknown> {
  try {
    await use()
  } catch (error) {
    return error
  }
  assert.fail('expected an error')
}

const LEAK_CHILD = fileURLToPath(new URL('./leak-child.js', import.meta.url))

/**
 * Runs `leak-child` in a child process on `url` with `scenario` and returns its stdout and
 * stderr together, after checking it caught `expectedErrors` errors and crashed on the last
 * (exit code 1, Node printing it).
 */
export async function runLeakChild(url: string, scenario: string, expectedErrors: number): Promise<string> {
  const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [LEAK_CHILD, url, scenario], { stdio: ['ignore', 'pipe', 'pipe'] })
    let text = ''
    child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, text }))
  })
  assert.equal(output.code, 1, output.text.slice(-3000))
  const reported = output.text.match(/^caught /gm)?.length ?? 0
  assert.equal(reported, expectedErrors, `the child hit ${reported} errors, expected ${expectedErrors}:\n${output.text.slice(-3000)}`)
  return output.text
}

/**
 * A store on a closed port fails every surface (async and sync, write and read) with
 * `StoreUnavailableError` naming the address, and none of it shows `SECRET`.
 * `urlFor(port)` is the store's URL carrying the secret.
 */
export async function checkRefusedConnection(urlFor: (port: number) => string): Promise<void> {
  const port = await closedPort()
  using db = new PraisonAIDB(urlFor(port), { retryDeadlineMs: 100 })
  for (const use of [() => db.aonUserMessage('s', 'x'), () => db.getMessages('s'), () => db.onUserMessage('s', 'x'), () => db.getMessagesSync('s')]) {
    const error = await thrown(use)
    assert.ok(error instanceof StoreUnavailableError, String(error))
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`))
    assertHidden(SECRET, error, db)
  }
}

/**
 * A user scope refused on another user's session (`SESSION_FORBIDDEN`): writes and reads,
 * async and on the sync surface (through the bridge for a network store), and none of the
 * errors, the db or the scope shows `SECRET`. `url` carries it and may write.
 */
export async function checkForbiddenHidden(url: string): Promise<void> {
  using db = new PraisonAIDB(url, { retryDeadlineMs: 500 })
  const s = `forbidden-${randomUUID()}`
  await db.forUser('owner').aonUserMessage(s, 'mine')
  const other = db.forUser('other')
  for (const use of [() => other.aonUserMessage(s, 'x'), () => other.getMessages(s), () => other.onUserMessage(s, 'x'), () => other.getMessagesSync(s)]) {
    const error = await thrown(use)
    assert.ok(error instanceof StoreError && error.code === 'SESSION_FORBIDDEN', String(error))
    assertHidden(SECRET, error, db)
    assertHidden(SECRET, error, other)
  }
}
