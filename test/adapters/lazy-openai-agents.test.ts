// Issue 13: import "agentdb" loads no adapter, and agentdb/openai-agents runs where @openai/agents
// cannot be resolved (it imports only the SDK's types).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const FIXTURE = fileURLToPath(new URL('../fixtures/no-openai-agents.js', import.meta.url))
const ROOT = new URL('../../src/index.js', import.meta.url).href
const ADAPTER = new URL('../../src/adapters/openai-agents/index.js', import.meta.url).href

describe('@openai/agents is an optional peer', () => {
  it('the root import loads no adapter; the adapter works without the SDK installed', () => {
    const result = spawnSync(process.execPath, [FIXTURE, ROOT, ADAPTER], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    assert.deepEqual(JSON.parse(result.stdout.trim()), { adaptersLoadedByRoot: 0, adapterSeenByHook: true, items: [{ role: 'user', content: 'hi' }] })
  })
})
