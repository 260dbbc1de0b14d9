// `npm run bench` is how issue 9's goals are judged: this runs it end to end on a tiny shape
// against every backend but the Mastra peers (installed only for a real run), so that a change
// that breaks a case, a reference row or the report shows here and not in the next measurement.
// Nothing is timed: the figures of a run this small mean nothing.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runNode } from '../support/run-node.js'

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'agentdb-bench-smoke-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const TINY = [
  '--sessions', '6', '--messages', '4', '--reps', '1', '--sequential-cap', '12', '--naive-cap', '12',
  '--overhead-iterations', '2000', '--history-messages', '200', '--history-calls', '20', '--bridge-calls', '20',
  '--agent-turns', '3', '--ops-messages', '200', '--ops-queries', '2', '--warmup', '0',
  '--only', 'memory,sqlite-normal,sqlite-full,postgres,mariadb,redis',
]

describe('npm run bench', () => {
  it('runs every case and fills every target row on a tiny shape', async () => {
    const out = join(dir, 'results.json')
    const { code, stdout, stderr } = await runNode([RUN, ...TINY, '--out', out])
    assert.equal(code, 0, `the bench failed:\n${stderr.slice(-2000)}`)
    const log = stdout + stderr
    assert.doesNotMatch(log, /FAILED|skipped:/, 'no case failed and no backend was skipped')
    const targets = stdout.slice(stdout.indexOf('## Targets'))
    assert.ok(targets.startsWith('## Targets'), 'the report ends with the targets table')
    // Mastra's rows are not selected; every other row is measured
    const rows = targets.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| target') && !line.includes('Mastra') && !line.includes('mastra'))
    assert.ok(rows.length >= 10, `target rows: ${rows.length}`)
    for (const row of rows) assert.doesNotMatch(row, /not measured/, row)
    // the references the goal rows are read against (issue 9)
    assert.match(targets, /the raw arrival-order batch \d+\.\d+x; with its sessions' rows \d+\.\d+x/)
    assert.match(targets, /raw unnest with session rows, arrival order \d+\.\d+x/)
    assert.match(targets, /raw with session rows, arrival order \d+\.\d+x/)
    assert.match(targets, /the raw INSERT in a worker thread: \d+\.\d+x/)
    assert.match(targets, /all \d+ samples of the repetitions together: p99 \d+\.\d+ ms/)
    const results = JSON.parse(readFileSync(out, 'utf8')) as { throughput: { key: string; msgsPerSec: number }[] }
    const keys = results.throughput.map((c) => c.key)
    for (const key of ['sqlite-full/raw-prebuilt-6-arrival-sessions/batch', 'postgres/raw-6-arrival-sessions/batch', 'mariadb/raw-6-arrival-sessions/batch']) {
      assert.ok(keys.includes(key), `${key} ran`)
    }
    for (const c of results.throughput) assert.ok(Number.isFinite(c.msgsPerSec) && c.msgsPerSec > 0, `${c.key}: ${c.msgsPerSec} msgs/s`)
  })
})
