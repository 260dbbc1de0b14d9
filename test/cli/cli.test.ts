// The agentdb command as a user runs it: a child process against SQLite and PostgreSQL.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { dropSchemas } from '../postgres/admin.js'
import { SECRET } from '../support/secrets.js'

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'agentdb-cli-'))
const schema = `cli_${process.pid}`
after(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schema)
})

function cli(args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function seed(url: string): Promise<void> {
  await using db = new PraisonAIDB(url)
  await db.aonAgentStart({ sessionId: 'cli-a', name: 'Helper', agentId: 'agent-1', userId: 'user-1' })
  await db.aonUserMessage('cli-a', 'What is 2+2?')
  await db.aonToolCall('cli-a', 'calculator', { expression: '2+2' }, { value: 4 })
  await db.aonAgentMessage('cli-a', 'It is 4. \u001b[31mred?')
  await db.aonUserMessage('cli-b', 'second session', { user_id: 'user-2' })
}

const targets = [
  { name: 'SQLite', url: `sqlite:///${join(dir, 'cli.db')}` },
  { name: 'PostgreSQL', url: `postgresql://postgres:${SECRET}@127.0.0.1:5432/test?schema=${schema}` },
]

for (const target of targets) {
  describe(`agentdb CLI on ${target.name}`, () => {
    it('lists sessions as a table and as JSON, filtered by user', async () => {
      await seed(target.url)
      const table = cli(['--db', target.url, 'sessions'])
      assert.equal(table.status, 0, table.stderr)
      const lines = table.stdout.trim().split('\n')
      assert.match(lines[0]!, /^SESSION\s+USER\s+AGENT\s+ENTRIES\s+STARTED\s+LAST ACTIVE$/)
      assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ['cli-b', 'cli-a'])
      assert.match(lines[2]!, /^cli-a\s+user-1\s+agent-1\s+3\s/)
      const json = cli(['--db', target.url, '--json', 'sessions', '--user', 'user-2'])
      const parsed = JSON.parse(json.stdout) as { id: string; entries: number }[]
      assert.deepEqual(parsed.map((s) => [s.id, s.entries]), [['cli-b', 1]])
      const env = cli(['sessions', '--limit', '1'], { AGENTDB_URL: target.url })
      assert.equal(env.stdout.trim().split('\n').length, 2, 'AGENTDB_URL is used, --limit respected')
    })

    it('shows a timeline in order with tool arguments and results, escaping control characters', () => {
      const shown = cli(['--db', target.url, 'show', 'cli-a'])
      assert.equal(shown.status, 0, shown.stderr)
      const order = ['#1', 'user', 'What is 2+2?', '#2', 'tool calculator', '"expression": "2+2"', '"value": 4', '#3', 'assistant', 'It is 4.']
      let at = 0
      for (const piece of order) {
        const found = shown.stdout.indexOf(piece, at)
        assert.ok(found >= at, `${piece} appears in order`)
        at = found
      }
      assert.ok(!shown.stdout.includes('\u001b'), 'no raw escape sequence from stored content reaches the terminal')
      assert.match(shown.stdout, /\\u001b\[31mred\?/)
      const json = JSON.parse(cli(['--db', target.url, '--json', 'show', 'cli-a']).stdout) as { timeline: { seq: number }[]; agents: { status: string }[] }
      assert.deepEqual(json.timeline.map((i) => i.seq), [1, 2, 3])
      assert.equal(json.agents[0]?.status, 'started')
    })

    it('reports the schema and settings; deletes a session; errors are one line and exit non-zero', () => {
      const status = cli(['--db', target.url, 'migrate', '--status'])
      assert.equal(status.status, 0, status.stderr)
      assert.match(status.stdout, /schema version 1/)
      const deleted = cli(['--db', target.url, 'delete', 'cli-b'])
      assert.equal(deleted.status, 0)
      const again = cli(['--db', target.url, 'delete', 'cli-b'])
      assert.equal(again.status, 1)
      assert.equal(again.stderr.trim().split('\n').length, 1)
      assert.match(again.stderr, /^agentdb: there is no session "cli-b"/)
      const debug = cli(['--db', target.url, '--debug', 'show', 'nothing'])
      assert.equal(debug.status, 1)
      assert.match(debug.stderr, /\n\s+at /, '--debug prints the stack')
      for (const r of [status, deleted, again, debug]) assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET))
    })
  })
}

describe('agentdb CLI bad input', () => {
  it('refuses a bad option value and an unreachable database with one line, never the password', () => {
    const bad = cli(['--db', `sqlite:///${join(dir, 'x.db')}`, 'sessions', '--limit', 'lots'])
    assert.notEqual(bad.status, 0)
    assert.match(bad.stderr, /--limit must be a positive integer/)
    const down = cli(['--db', `postgresql://postgres:${SECRET}@127.0.0.1:1/test`, 'sessions'], {})
    assert.equal(down.status, 1)
    assert.match(down.stderr, /^agentdb: .*unavailable.*\(STORE_UNAVAILABLE\)\n$/)
    assert.ok(!`${down.stdout}${down.stderr}`.includes(SECRET))
    const scheme = cli(['--db', `mongodb://u:${SECRET}@h/db`, 'sessions'])
    assert.equal(scheme.status, 1)
    assert.match(scheme.stderr, /SCHEME_UNSUPPORTED/)
    assert.ok(!scheme.stderr.includes(SECRET))
  })
})
