// Issue 13: each adapter is a subpath export; `import "agentdb"` loads none of them.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const FIXTURE = fileURLToPath(new URL('../fixtures/no-adapters.js', import.meta.url))
const ENTRY = new URL('../../src/index.js', import.meta.url).href
const ADAPTERS = ['praisonai', 'openai-agents', 'ai-sdk']

describe('adapters load only from their subpath', () => {
  for (const adapter of ADAPTERS) {
    it(`import "agentdb" loads no adapter module; "agentdb/${adapter}" does`, () => {
      const entry = new URL(`../../src/adapters/${adapter}/index.js`, import.meta.url).href
      const result = spawnSync(process.execPath, [FIXTURE, ENTRY, entry], { encoding: 'utf8' })
      assert.equal(result.status, 0, result.stderr)
      assert.deepEqual(result.stdout.trim().split('\n'), ['imported agentdb: function', 'adapter blocked'])
    })
  }
})
