// Issue 9: group commit takes the next batch only after every caller its last batch resolved
// has had the chance to push its next write (batches then hold all the agents that wait).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { WriteOp, WriteResult } from '../../src/core/store.js'
import { WriteQueue } from '../../src/core/write-queue.js'

describe('WriteQueue', () => {
  it('a batch holds every agent the previous batch resumed, also those of its last slice', async () => {
    const sizes: number[] = []
    const queue = new WriteQueue(async (ops: readonly WriteOp[]): Promise<WriteResult> => {
      sizes.push(ops.length)
      await new Promise((resolve) => { setImmediate(resolve) }) // a commit elsewhere
      return ops.map((_, i) => i + 1)
    }, 10_000)
    const op = {} as WriteOp
    // An agent awaits each write through a few promise steps, as the hooks do (runtime, facade).
    const hook = async (): Promise<void> => { await queue.push(op).then(() => undefined) }
    const agents = 200
    const writes = 5
    await Promise.all(Array.from({ length: agents }, async () => {
      for (let i = 0; i < writes; i++) await hook()
    }))
    assert.equal(sizes.reduce((a, b) => a + b, 0), agents * writes)
    assert.deepEqual(sizes, Array.from({ length: writes }, () => agents), `batch sizes ${sizes.join(', ')}`)
  })

  it('writes commit in push order and each push resolves with its own result', async () => {
    const committed: number[] = []
    const queue = new WriteQueue(async (ops: readonly WriteOp[]): Promise<WriteResult> => {
      await Promise.resolve()
      const result: number[] = []
      for (const op of ops) {
        const n = (op as unknown as { n: number }).n
        committed.push(n)
        result.push(n * 2)
      }
      return result
    }, 7)
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => queue.push({ n } as unknown as WriteOp)))
    assert.deepEqual(committed, Array.from({ length: 100 }, (_, n) => n))
    assert.deepEqual(results, Array.from({ length: 100 }, (_, n) => n * 2))
  })
})
