import assert from 'node:assert/strict'
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

// Issue 8, defect 7: `npm pack` (and so `npm publish` and an install from a git URL) shipped no
// dist/, because nothing built it. These tests pack the package the way a fresh clone would and
// use the tarball from an empty project, as a user would.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'agentdb-pack-'))
after(() => rmSync(dir, { recursive: true, force: true }))

// What a fresh clone does not have: installed or generated files (see .gitignore).
const GENERATED = new Set(['.git', 'node_modules', 'dist', 'build', '.perf-base'])
const isGenerated = (path: string): boolean => {
  const parts = relative(ROOT, path).split(sep)
  return parts.some((p) => p === 'node_modules') || GENERATED.has(parts[0]!) || /^build-/.test(parts[0]!) || /\.db(-wal|-shm|-journal)?$/.test(path)
}

// npm reads npm_config_* from the environment; under `npm test` those are the outer run's.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')))

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 })
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${String(result.error ?? result.signal ?? result.status)}): ${result.stderr.slice(-3000)}`)
  return result
}

let tarball = ''
let entries: string[] = []

describe('the npm package', { timeout: 240_000 }, () => {
  before(() => {
    const checkout = join(dir, 'checkout')
    cpSync(ROOT, checkout, { recursive: true, filter: (path) => !isGenerated(path) })
    // the dev dependencies `npm ci` installs (typescript for the build)
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(checkout, 'node_modules'), 'dir')
    // leftovers of an earlier build, e.g. of a source file deleted since: neither may be shipped
    mkdirSync(join(checkout, 'dist'))
    writeFileSync(join(checkout, 'dist', 'deleted-module.js'), 'export {}\n')
    mkdirSync(join(checkout, 'build', 'test'), { recursive: true })
    writeFileSync(join(checkout, 'build', 'test', 'stale.test.js'), 'export {}\n')
    const packed = run('npm', ['pack', '--json', '--pack-destination', dir], checkout)
    const [report] = JSON.parse(packed.stdout) as [{ filename: string }]
    tarball = join(dir, report.filename)
    entries = run('tar', ['-tzf', tarball], dir).stdout.trim().split('\n').map((e) => e.replace(/^package\//, ''))
  })

  it('is built by npm pack: dist/ with types and agentdb/testing, no tests, no build output, nothing stale', () => {
    for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/stores/sqlite/index.js', 'dist/adapters/openai-agents/index.js', 'dist/adapters/openai-agents/index.d.ts', 'dist/adapters/praisonai/index.js', 'dist/adapters/praisonai/index.d.ts', 'dist/adapters/ai-sdk/index.js', 'dist/adapters/ai-sdk/index.d.ts']) {
      assert.ok(entries.includes(file), `${file} is in the tarball`)
    }
    assert.deepEqual(entries.filter((e) => /^(test|build|src|bench|examples)\//.test(e)), [])
    assert.ok(!entries.includes('dist/deleted-module.js'), 'a stale dist/ file is not shipped')
    assert.deepEqual(entries.filter((e) => e.endsWith('.db') || e.includes('node_modules')), [])
    assert.ok(entries.includes('LICENSE'), 'the license ships')
    assert.deepEqual(entries.filter((e) => e.endsWith('.map')), [], 'no source maps pointing at sources that are not shipped')
  })

  it('runs the quick start from an empty project that installed the tarball', () => {
    const app = join(dir, 'app')
    mkdirSync(join(app, 'node_modules'), { recursive: true })
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    // better-sqlite3 is the package's one dependency and has no prebuilt binary for this machine:
    // installing it would compile it from source (about two minutes here) or need the network.
    // The project gets the main checkout's already built copy instead, linked where npm would
    // have put it; npm sees the dependency satisfied, so --offline needs no registry and
    // --ignore-scripts skips nothing that this copy has not already run.
    // The same for commander (the CLI's), which has no dependencies of its own.
    for (const dependency of ['better-sqlite3', 'commander']) {
      symlinkSync(realpathSync(join(ROOT, 'node_modules', dependency)), join(app, 'node_modules', dependency), 'dir')
    }
    run('npm', ['install', '--no-save', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', join(dir, 'npm-cache'), tarball], app)
    assert.ok(existsSync(join(app, 'node_modules', 'agentdb', 'dist', 'index.js')))

    writeFileSync(join(app, 'quick-start.mjs'), `
import { PraisonAIDB } from 'agentdb'
import { storeConformance } from 'agentdb/testing'
import { chatStore } from 'agentdb/ai-sdk'
import { praisonaiDb } from 'agentdb/praisonai'

const db = new PraisonAIDB('sqlite:///agent_data.db')
await db.aonUserMessage('chat_123', 'Hello, how can you help me?', { user_id: 'user_456' })
await db.aonAgentMessage('chat_123', 'I can help with various tasks.', { agent_name: 'assistant' })
const messages = await db.getMessages('chat_123')
// agentdb/ai-sdk without the ai package installed: it needs only ai's types
const chats = chatStore(db)
await chats.saveChat({ chatId: 'ui_chat', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] })
const chat = await chats.loadChat('ui_chat')
// agentdb/praisonai: no package besides agentdb
const adapter = praisonaiDb(db)
await adapter.saveMessage({ id: 'p1', sessionId: 'pi_chat', role: 'user', content: 'hi', createdAt: 0 })
const praisonai = await adapter.getMessages('pi_chat')
await db.aclose()
console.log(JSON.stringify({
  resolved: import.meta.resolve('agentdb'),
  testing: typeof storeConformance,
  chat,
  praisonai,
  messages: messages.map((m) => [m.seq, m.role, m.content, m.metadata]),
}))
`)
    const out = JSON.parse(run(process.execPath, ['quick-start.mjs'], app).stdout) as { resolved: string; testing: string; chat: unknown; praisonai: unknown; messages: unknown }
    assert.equal(fileURLToPath(out.resolved), realpathSync(join(app, 'node_modules', 'agentdb', 'dist', 'index.js')), 'agentdb came from the installed tarball')
    assert.equal(out.testing, 'function')
    assert.deepEqual(out.chat, [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }], 'agentdb/ai-sdk works without ai installed')
    assert.deepEqual(out.praisonai, [{ id: 'p1', sessionId: 'pi_chat', role: 'user', content: 'hi', createdAt: 0 }], 'agentdb/praisonai works with no package besides agentdb')
    assert.deepEqual(out.messages, [
      [1, 'user', 'Hello, how can you help me?', { user_id: 'user_456' }],
      [2, 'assistant', 'I can help with various tasks.', { agent_name: 'assistant' }],
    ])
    assert.ok(existsSync(join(app, 'agent_data.db')), 'the relative SQLite path is the project directory')
  })
})
