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

/** A message op of `session` carrying `n` (what the fake stores record). */
const opOf = (session: string, n: number): WriteOp => ({ session: { id: session }, n }) as unknown as WriteOp
const nOf = (op: WriteOp): number => (op as unknown as { n: number }).n

/** A store whose writes wait until released one by one, recording what is in flight. */
function heldStore(): { write(ops: readonly WriteOp[]): Promise<WriteResult>; inFlight: (readonly WriteOp[])[]; committed: WriteOp[]; releaseNext(): void; maxInFlight: number } {
  const pending: (() => void)[] = []
  const store = {
    inFlight: [] as (readonly WriteOp[])[],
    committed: [] as WriteOp[],
    maxInFlight: 0,
    async write(ops: readonly WriteOp[]): Promise<WriteResult> {
      store.inFlight.push(ops)
      store.maxInFlight = Math.max(store.maxInFlight, store.inFlight.length)
      await new Promise<void>((resolve) => pending.push(resolve))
      store.inFlight.splice(store.inFlight.indexOf(ops), 1)
      store.committed.push(...ops)
      return ops.map(nOf)
    },
    releaseNext(): void { pending.shift()?.() },
  }
  return store
}

const turn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve) })

describe('WriteQueue with batches in flight', () => {
  it('sends a batch of other sessions while one is in flight, never two batches holding one session', async () => {
    const store = heldStore()
    const queue = new WriteQueue((ops) => store.write(ops), 100, 2)
    const results: Promise<number>[] = [queue.push(opOf('a', 1))]
    await turn()
    assert.equal(store.inFlight.length, 1)
    // pushed while the batch of a is in flight: b goes at once, a's next write waits for its first
    results.push(queue.push(opOf('a', 2)), queue.push(opOf('b', 3)), queue.push(opOf('a', 4)))
    await turn()
    assert.equal(store.inFlight.length, 2, 'a second batch is in flight beside the first')
    assert.deepEqual(store.inFlight[1]!.map(nOf), [3], 'it holds only the session not in flight')
    store.releaseNext()
    await turn()
    assert.deepEqual(store.inFlight.map((b) => b.map(nOf)), [[3], [2, 4]], 'a\'s writes go once its batch committed, in push order')
    store.releaseNext()
    store.releaseNext()
    assert.deepEqual(await Promise.all(results), [1, 2, 3, 4])
    assert.deepEqual(store.committed.filter((op) => op.session.id === 'a').map(nOf), [1, 2, 4])
    assert.equal(store.maxInFlight, 2)
  })

  it('keeps at most the given number in flight and drains every write', async () => {
    const store = heldStore()
    const queue = new WriteQueue((ops) => store.write(ops), 100, 3)
    const pushes: Promise<number>[] = []
    for (let i = 0; i < 6; i++) {
      pushes.push(queue.push(opOf(`s${i}`, i)))
      await turn()
    }
    assert.equal(store.inFlight.length, 3, 'three batches in flight, the others wait')
    assert.equal(queue.size, 3)
    let drained = false
    const draining = queue.drain().then(() => { drained = true })
    while (store.committed.length < 6) {
      store.releaseNext()
      await turn()
      assert.ok(store.inFlight.length <= 3)
    }
    await draining
    assert.equal(drained, true)
    assert.deepEqual(await Promise.all(pushes), [0, 1, 2, 3, 4, 5])
  })

  it('writes each op of a failed batch alone without passing a later write of its session', async () => {
    const written: number[][] = []
    let failOnce = true
    const queue = new WriteQueue(async (ops) => {
      await turn()
      if (failOnce && ops.length > 1) {
        failOnce = false
        throw new Error('one bad write')
      }
      written.push(ops.map(nOf))
      return ops.map(nOf)
    }, 100, 2)
    const first = [queue.push(opOf('a', 1)), queue.push(opOf('b', 2))]
    await Promise.resolve()
    const later = queue.push(opOf('a', 3)) // waits for a's failed batch to be written op by op
    assert.deepEqual(await Promise.all([...first, later]), [1, 2, 3])
    assert.deepEqual(written, [[1], [2], [3]])
  })

  it('agents awaiting each write: batches overlap, and each session\'s results follow its calls', async () => {
    let inFlight = 0
    let overlapped = 0
    const sessionsInFlight = new Set<string>()
    const queue = new WriteQueue(async (ops) => {
      for (const op of ops) {
        assert.ok(!sessionsInFlight.has(op.session.id), `session ${op.session.id} in two batches at once`)
        sessionsInFlight.add(op.session.id)
      }
      inFlight++
      if (inFlight > 1) overlapped++
      await new Promise((resolve) => { setTimeout(resolve, 1) })
      inFlight--
      for (const op of ops) sessionsInFlight.delete(op.session.id)
      return ops.map(nOf)
    }, 1000, 2)
    const seen = new Map<string, number[]>()
    await Promise.all(Array.from({ length: 150 }, async (_, s) => {
      for (let i = 0; i < 10; i++) {
        const n = await queue.push(opOf(`s${s}`, i))
        seen.set(`s${s}`, [...(seen.get(`s${s}`) ?? []), n])
      }
    }))
    for (const values of seen.values()) assert.deepEqual(values, Array.from({ length: 10 }, (_, i) => i))
    assert.ok(overlapped > 0, 'some batch was written while another was in flight')
  })
})

describe('WriteQueue resolution pacing', () => {
  it('batches committed in the same turn resolve at most 50 pushes per event-loop turn between them', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    const queue = new WriteQueue(async (ops) => {
      await released
      return ops.map(nOf)
    }, 1000, 2)
    let turns = 0
    let ticking = true
    const tick = (): void => { turns++; if (ticking) setImmediate(tick) }
    setImmediate(tick)
    const resolvedIn: number[] = []
    const first = Array.from({ length: 80 }, (_, i) => queue.push(opOf(`a${i}`, i)).then(() => { resolvedIn.push(turns) }))
    await turn()
    const second = Array.from({ length: 80 }, (_, i) => queue.push(opOf(`b${i}`, i)).then(() => { resolvedIn.push(turns) }))
    await turn()
    release() // both batches commit at once
    await Promise.all([...first, ...second])
    ticking = false
    const perTurn = new Map<number, number>()
    for (const t of resolvedIn) perTurn.set(t, (perTurn.get(t) ?? 0) + 1)
    assert.ok([...perTurn.values()].every((n) => n <= 50), `pushes resolved per turn: ${[...perTurn.values()].join(', ')}`)
    assert.equal(resolvedIn.length, 160)
  })
})
