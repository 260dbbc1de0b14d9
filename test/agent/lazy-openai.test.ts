// Issue 10: importing agentdb never loads openai; without it, an agent says which package to install.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const FIXTURE = fileURLToPath(new URL('../fixtures/no-openai.js', import.meta.url))
const ENTRY = new URL('../../src/index.js', import.meta.url).href

describe('openai is an optional peer', () => {
  it('import "agentdb" works where openai cannot be resolved, and a run fails with DRIVER_MISSING before storing anything', () => {
    const result = spawnSync(process.execPath, [FIXTURE, ENTRY], { encoding: 'utf8' })
    assert.equal(result.status, 0, result.stderr)
    const [imported, outcome] = result.stdout.trim().split('\n')
    assert.equal(imported, 'imported agentdb')
    assert.deepEqual(JSON.parse(outcome!), {
      name: 'ConfigError', code: 'DRIVER_MISSING', message: 'the Agent needs the package openai to call a model: npm install openai', stored: false,
    })
  })
})
