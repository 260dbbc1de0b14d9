// Issue 13: the AI SDK is an optional peer. Importing agentdb never loads it, and agentdb/ai-sdk
// needs only its types: both import and a chat round-trips where `ai` cannot be resolved.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const FIXTURE = fileURLToPath(new URL('../fixtures/no-ai-sdk.js', import.meta.url))
const ROOT = new URL('../../src/index.js', import.meta.url).href
const ADAPTER = new URL('../../src/adapters/ai-sdk/index.js', import.meta.url).href

describe('ai is an optional peer', () => {
  it('import "agentdb" and "agentdb/ai-sdk" work where ai cannot be resolved, and a chat is saved and loaded', () => {
    const result = spawnSync(process.execPath, [FIXTURE, ROOT, ADAPTER], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    assert.deepEqual(result.stdout.trim().split('\n'), ['imported agentdb', 'imported agentdb/ai-sdk', 'saved and loaded', 'ai is hidden'])
  })
})
