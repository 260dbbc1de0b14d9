// The agentdb command as a user runs it: a child process against SQLite and PostgreSQL.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
const imported = `cli_in_${process.pid}`
after(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schema, imported)
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

    it('searches messages, shows runs with durations and tokens, counts records', async () => {
      {
        await using db = new PraisonAIDB(target.url)
        await db.aonRunStart({ sessionId: 'cli-s', runId: 'run-1', inputContent: 'where do kangaroos live' })
        await db.aonUserMessage('cli-s', 'where does the kangaroo live', { user_id: 'user-s' })
        await db.aonAgentMessage('cli-s', 'A kangaroo lives in Australia; the kangaroo hops.')
        await db.aonRunEnd({ sessionId: 'cli-s', runId: 'run-1', outputContent: 'Australia', status: 'completed', metrics: { durationMs: 830, promptTokens: 10, completionTokens: 5 } })
      }
      const found = cli(['--db', target.url, 'search', 'kangaroo'])
      assert.equal(found.status, 0, found.stderr)
      const lines = found.stdout.trim().split('\n')
      assert.match(lines[0]!, /^SESSION\s+SEQ\s+ROLE\s+WRITTEN\s+MATCH$/)
      assert.match(lines[1]!, /^cli-s\s+2\s+assistant\s.*kangaroo/, 'the message with the word twice first')
      assert.match(lines[2]!, /^cli-s\s+1\s+user\s/)
      const json = JSON.parse(cli(['--db', target.url, '--json', 'search', 'kangaroo', '--user', 'user-s']).stdout) as { sessionId: string; seq: number }[]
      assert.deepEqual(json.map((h) => [h.sessionId, h.seq]), [['cli-s', 2], ['cli-s', 1]])
      assert.equal(cli(['--db', target.url, 'search', 'kangaroo', '--user', 'user-1']).stdout.trim(), 'no messages match')
      assert.equal(cli(['--db', target.url, 'search', '"a OR']).status, 0, 'query syntax is not read as syntax')
      const shown = cli(['--db', target.url, 'show', 'cli-s'])
      assert.match(shown.stdout, /run run-1: completed .*830 ms {2}15 tokens/)
      const stats = JSON.parse(cli(['--db', target.url, '--json', 'stats']).stdout) as Record<string, number | string>
      assert.deepEqual([stats['sessions'], stats['messages'], stats['toolCalls'], stats['runs'], stats['schemaVersion']], [3, 5, 1, 1, 4])
      assert.match(cli(['--db', target.url, 'stats']).stdout, /^messages\s+5$/m)
    })

    it('reports the schema and settings; deletes a session; errors are one line and exit non-zero', () => {
      const status = cli(['--db', target.url, 'migrate', '--status'])
      assert.equal(status.status, 0, status.stderr)
      assert.match(status.stdout, /schema version 4/)
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

/** The records of a JSON Lines export. */
const jsonl = (text: string): unknown[] => text.trim().split('\n').map((line) => JSON.parse(line) as unknown)

describe('agentdb export and import between SQLite and PostgreSQL', () => {
  const [sqlite, postgres] = [targets[0]!.url, `postgresql://postgres:${SECRET}@127.0.0.1:5432/test?schema=${imported}`]

  it('exports from SQLite, imports into PostgreSQL, and exports the same records again; a second import adds nothing', () => {
    const first = join(dir, 'first.jsonl')
    const exported = cli(['--db', sqlite, 'export', '--all', '-o', first])
    assert.equal(exported.status, 0, exported.stderr)
    assert.match(exported.stderr, /^exported 2 sessions to .*first\.jsonl\n$/, 'piped: one plain line, no progress bar')
    const records = jsonl(readFileSync(first, 'utf8'))
    assert.deepEqual(records[0], { kind: 'header', format: 'agentdb-export', version: 1 })
    assert.equal(records.filter((r) => (r as { kind: string }).kind === 'session').length, 2)
    const into = cli(['--db', postgres, 'import', first])
    assert.equal(into.status, 0, into.stderr)
    assert.equal(into.stdout.trim(), `imported 2 sessions: ${records.length - 1} records added, 0 already there`)
    assert.equal(into.stderr, '')
    const again = cli(['--db', postgres, 'export', '--all'])
    assert.equal(again.status, 0, again.stderr)
    assert.deepEqual(jsonl(again.stdout), records, 'every record, field, seq, id and time survived SQLite → PostgreSQL')
    const twice = JSON.parse(cli(['--db', postgres, '--json', 'import', first]).stdout) as { added: number; skipped: number }
    assert.deepEqual([twice.added, twice.skipped], [0, records.length - 1])
    const one = jsonl(cli(['--db', postgres, 'export', 'cli-s']).stdout)
    assert.deepEqual(one, records.filter((r, i) => i === 0 || (r as { id?: string; sessionId?: string }).sessionId === 'cli-s' || (r as { id?: string; kind: string }).kind === 'session' && (r as { id: string }).id === 'cli-s'))
    const array = JSON.parse(cli(['--db', postgres, 'export', 'cli-s', '--format', 'json']).stdout) as unknown[]
    assert.deepEqual(array, one)
    const md = cli(['--db', postgres, 'export', 'cli-s', '--format', 'md']).stdout
    assert.match(md, /^# Session cli-s$/m)
    assert.match(md, /^## #2 assistant/m)
    assert.match(md, /run run-1: completed, 830 ms, 15 tokens/)
  })

  it('refuses a bad file naming the line, writing nothing of that session', () => {
    const bad = join(dir, 'bad.jsonl')
    const old = '2019-01-01T00:00:00.000Z'
    writeFileSync(bad, [
      JSON.stringify({ kind: 'header', format: 'agentdb-export', version: 1 }),
      JSON.stringify({ kind: 'session', id: 'old-ok', userId: null, agentId: null, name: null, metadata: {}, createdAt: old, updatedAt: old, endedAt: old }),
      JSON.stringify({ kind: 'session', id: 'old-bad', userId: null, agentId: null, name: null, metadata: {}, createdAt: old, updatedAt: old, endedAt: null }),
      JSON.stringify({ kind: 'message', id: 'm-bad', sessionId: 'old-bad', seq: 1, role: 'robot', content: 'x', metadata: {}, createdAt: old, runId: null, toolCalls: null }),
    ].join('\n'))
    const refused = cli(['--db', postgres, 'import', bad])
    assert.equal(refused.status, 1)
    assert.match(refused.stderr, /^agentdb: record 4 \(message\): role must be one of user, assistant, system, tool.*nothing of its session was imported/)
    const notJson = join(dir, 'not.jsonl')
    writeFileSync(notJson, '{"kind":"header","format":"agentdb-export","version":1}\n{oops\n')
    assert.match(cli(['--db', postgres, 'import', notJson]).stderr, /line 2 of .*not JSON/)
    const listed = JSON.parse(cli(['--db', postgres, '--json', 'sessions']).stdout) as { id: string }[]
    assert.ok(listed.some((s) => s.id === 'old-ok') && !listed.some((s) => s.id === 'old-bad'))
  })

  it('prunes sessions inactive for longer than an age, after a dry run', () => {
    const dry = cli(['--db', postgres, 'prune', '--older-than', '30d', '--dry-run'])
    assert.equal(dry.status, 0, dry.stderr)
    assert.match(dry.stdout, /^would delete 1 session inactive since/)
    assert.match(dry.stdout, /^old-ok\s+—\s+2019-01-01 00:00:00$/m)
    const pruned = JSON.parse(cli(['--db', postgres, '--json', 'prune', '--older-than', '30d']).stdout) as { dryRun: boolean; sessions: { id: string }[] }
    assert.deepEqual([pruned.dryRun, pruned.sessions.map((s) => s.id)], [false, ['old-ok']])
    assert.match(cli(['--db', postgres, 'prune', '--older-than', '30d']).stdout, /^deleted 0 sessions/)
    assert.equal((JSON.parse(cli(['--db', postgres, '--json', 'stats']).stdout) as { sessions: number }).sessions, 2)
    assert.notEqual(cli(['--db', postgres, 'prune', '--older-than', 'soon']).status, 0)
  })
})

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
