import assert from 'node:assert/strict'
import type { AgentInputItem } from '@openai/agents'
import { AgentDBSession } from '../../adapters/openai-agents/index.js'
import { StoreError, ValidationError, type PraisonAIDB } from '../../index.js'
import { openers, type ConformanceTarget, type TestApi } from '../conformance.js'
import { expectError, uid } from '../helpers.js'

type Item = AgentInputItem

const as = (value: object): Item => value as Item

const user = (text: string): Item => as({ role: 'user', content: text })
const answer = (id: string, text: string): Item => as({
  type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, providerData: { annotations: [] } }],
})
const call = (callId: string, name = 'get_weather', args = '{"city":"Paris"}'): Item => as({
  type: 'function_call', id: `fc_${callId}`, callId, name, arguments: args, status: 'completed', providerData: { z: 1, a: 2 },
})
const result = (callId: string, text: string, name = 'get_weather'): Item => as({
  type: 'function_call_result', callId, name, status: 'completed', output: { type: 'text', text },
})

/** One item of every kind the SDK stores, with provider data whose key order must survive. */
function everyKind(): Item[] {
  const unknownKind = JSON.parse('{"type":"future_kind","id":"fx_1","__proto__":{"kept":"as data"},"zeta":1,"alpha":[3,{"y":null,"b":true}],"empty":{}}') as object
  return [
    as({ role: 'system', content: 'Be brief.' }),
    as({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is in this picture? ' }, { type: 'input_image', image: 'https://example.com/a.png', detail: 'auto' }] }),
    as({ type: 'reasoning', id: 'rs_1', content: [{ type: 'input_text', text: 'The user wants the weather.' }], providerData: { encrypted_content: 'gAAAAB…', zz: [2, 1], aa: { y: 1, x: 2 } } }),
    call('call_1'),
    result('call_1', '21°C, clear'),
    as({ type: 'hosted_tool_call', id: 'ws_1', name: 'web_search_call', status: 'completed', arguments: '{"query":"paris"}', output: 'results', providerData: { type: 'web_search_call', action: { type: 'search', query: 'paris' } } }),
    as({ type: 'computer_call', id: 'cu_1', callId: 'call_c1', status: 'completed', action: { type: 'click', x: 10, y: 20, button: 'left' } }),
    as({ type: 'computer_call_result', callId: 'call_c1', output: { type: 'computer_screenshot', data: 'data:image/png;base64,iVBOR' } }),
    as({ type: 'message', role: 'user', content: [{ type: 'input_file', file: { data: new Uint8Array([0, 1, 2, 250, 255]) }, filename: 'a.bin' }], providerData: { trace: undefined } }),
    as(unknownKind),
    answer('msg_1', 'It is 21°C and clear in Paris. 🌤'),
  ]
}

/** Own-key order of every object in a value, so a test can tell key order apart (deepStrictEqual does not). */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder)
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return null
  return Object.keys(value).map((key) => [key, keyOrder((value as Record<string, unknown>)[key])])
}

/** The number of reads a session makes through `db` (its read methods, counted on the instance). */
function countReads(db: PraisonAIDB): () => number {
  let reads = 0
  for (const name of ['getTimeline', 'getMessages', 'getToolCalls', 'getSession', 'getSessionKey'] as const) {
    const original = db[name].bind(db) as (...args: unknown[]) => unknown
    Object.defineProperty(db, name, { configurable: true, value: (...args: unknown[]) => { reads += 1; return original(...args) } })
  }
  return () => reads
}

/**
 * The `agentdb/openai-agents` part of the adapter kit: `AgentDBSession` on one store, through
 * the SDK's `Session` contract and the guarantees its users rely on. Run it like
 * `storeConformance`, with the same target.
 */
export function openaiAgentsConformance(test: TestApi, target: ConformanceTarget): void {
  const { describe, it } = test
  const { create, reopen } = openers(target)
  const opened: PraisonAIDB[] = []
  const fresh = async (): Promise<PraisonAIDB> => {
    const db = await create()
    opened.push(db)
    return db
  }
  const second = async (db: PraisonAIDB): Promise<PraisonAIDB> => {
    if (reopen === undefined || !target.capabilities.persistent) return db
    const other = await reopen(db)
    opened.push(other)
    return other
  }

  describe(`openai-agents adapter: ${target.name}`, () => {
    test.after?.(async () => {
      for (const db of opened) await db.aclose()
      await target.destroy?.()
    })

    it('stores every item kind verbatim (reasoning, providerData, bytes, undefined, key order) and reads it back equal', async () => {
      const db = await fresh()
      const sessionId = uid('oa-verbatim')
      const session = new AgentDBSession({ db, sessionId, userId: 'user-oa' })
      assert.equal(await session.getSessionId(), sessionId)
      const items = everyKind()
      await session.addItems(items)
      const back = await new AgentDBSession({ db: await second(db), sessionId }).getItems()
      assert.deepStrictEqual(back, everyKind())
      assert.deepStrictEqual(keyOrder(back), keyOrder(everyKind()))
      assert.ok(back[8] !== undefined && 'providerData' in back[8], 'an undefined property stays a property')
      assert.equal((await db.getSession(sessionId))?.userId, 'user-oa')
    })

    it('projects items into messages and tool calls that timelines and getHistory show', async () => {
      const db = await fresh()
      const sessionId = uid('oa-projection')
      const session = new AgentDBSession({ db, sessionId })
      await session.addItems([user('Weather in Paris?'), ...everyKind().slice(2, 5), answer('msg_2', 'Sunny.')])
      const timeline = await db.getTimeline(sessionId)
      const shown = timeline.map((e) => (e.kind === 'message'
        ? [e.message.role, e.message.content, e.message.toolCalls]
        : ['toolCall', e.toolCall.toolName, e.toolCall.toolCallId, e.toolCall.result]))
      assert.deepStrictEqual(shown, [
        ['user', 'Weather in Paris?', null],
        ['tool', 'reasoning: The user wants the weather.', null],
        ['assistant', '', [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]],
        ['toolCall', 'get_weather', 'call_1', '21°C, clear'],
        ['assistant', 'Sunny.', null],
      ])
      assert.deepStrictEqual(await db.getHistory(sessionId), [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '21°C, clear' },
        { role: 'assistant', content: 'Sunny.' },
      ])
    })

    it('getItems(limit) gives the last items oldest first; 0 gives [] without reading', async () => {
      const db = await fresh()
      const sessionId = uid('oa-limit')
      const session = new AgentDBSession({ db, sessionId })
      const items = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? user(`q${i}`) : answer(`msg_${i}`, `a${i}`)))
      await session.addItems(items)
      const reads = countReads(db)
      assert.deepStrictEqual(await session.getItems(0), [])
      assert.equal(reads(), 0, 'limit 0 reads nothing')
      assert.deepStrictEqual(await session.getItems(2), items.slice(4))
      assert.ok(reads() > 0, 'the counter sees reads')
      assert.deepStrictEqual(await session.getItems(100), items)
      assert.deepStrictEqual(await new AgentDBSession({ db, sessionId: uid('oa-empty') }).getItems(3), [])
      await expectError(() => session.getItems(1.5), ValidationError, 'FIELD_INVALID')
    })

    it('a window never starts with a tool result whose call it cut off', async () => {
      const db = await fresh()
      const sessionId = uid('oa-window')
      const session = new AgentDBSession({ db, sessionId })
      const turn = [user('Paris and Rome?'), call('call_p'), call('call_r', 'get_weather', '{"city":"Rome"}'), result('call_p', '21'), result('call_r', '25'), answer('msg_pr', 'Both warm.')]
      await session.addItems(turn)
      assert.deepStrictEqual(await session.getItems(2), turn.slice(1), 'widened to both calls: [call, call, result, result, answer]')
      assert.deepStrictEqual(await session.getItems(4), turn.slice(1))
      assert.deepStrictEqual(await session.getItems(5), turn.slice(1))
      // a call far back (more items between than a first read takes)
      const far = uid('oa-window-far')
      const long = new AgentDBSession({ db, sessionId: far })
      const between = Array.from({ length: 70 }, (_, i) => as({ type: 'reasoning', id: `rs_${i}`, content: [{ type: 'input_text', text: `step ${i}` }] }))
      const all = [user('slow tool'), call('call_slow'), ...between, result('call_slow', 'done')]
      await long.addItems(all)
      assert.deepStrictEqual(await long.getItems(1), all.slice(1))
      // a result whose call was never stored is returned as it is (nothing to widen to)
      const orphan = new AgentDBSession({ db, sessionId: uid('oa-window-orphan') })
      await orphan.addItems([result('call_gone', 'x'), answer('msg_o', 'ok')])
      assert.deepStrictEqual(await orphan.getItems(1), [answer('msg_o', 'ok')])
      assert.deepStrictEqual(await orphan.getItems(2), [result('call_gone', 'x'), answer('msg_o', 'ok')])
    })

    it('popItem removes and returns the newest item; clearSession empties the session', async () => {
      const db = await fresh()
      const sessionId = uid('oa-pop')
      const session = new AgentDBSession({ db, sessionId })
      assert.equal(await session.popItem(), undefined)
      const items = [user('one'), answer('msg_a', 'two'), user('three')]
      await session.addItems(items)
      assert.deepStrictEqual(await session.popItem(), user('three'))
      assert.deepStrictEqual(await session.getItems(), items.slice(0, 2))
      await session.addItems([user('four')])
      assert.deepStrictEqual(await session.getItems(), [...items.slice(0, 2), user('four')])
      const seqs = (await db.getTimeline(sessionId)).map((e) => e.seq)
      assert.equal(new Set(seqs).size, seqs.length)
      await session.clearSession()
      assert.deepStrictEqual(await session.getItems(), [])
      assert.equal(await session.popItem(), undefined)
      await session.addItems([user('again')])
      assert.deepStrictEqual(await session.getItems(), [user('again')])
      await new AgentDBSession({ db, sessionId: uid('oa-clear-none') }).clearSession()
    })

    it('a retried addItems adds nothing when its batch names provider ids; a bare repeated message is a second message', async () => {
      const db = await fresh()
      const sessionId = uid('oa-retry')
      const session = new AgentDBSession({ db, sessionId })
      const batch = [user('Weather?'), call('call_x'), result('call_x', '20'), answer('msg_x', 'Mild.')]
      await session.addItems(batch)
      await session.addItems(structuredClone(batch))
      await new AgentDBSession({ db: await second(db), sessionId }).addItems(structuredClone(batch))
      assert.deepStrictEqual(await session.getItems(), batch)
      assert.equal((await db.getTimeline(sessionId)).length, batch.length)
      await session.addItems([user('yes')])
      await session.addItems([user('yes')])
      assert.deepStrictEqual(await session.getItems(2), [user('yes'), user('yes')])
    })

    it('concurrent addItems on one session (two connections) are never interleaved, forked or reordered', async () => {
      const db = await fresh()
      const other = await second(db)
      const sessionId = uid('oa-concurrent')
      const writers = [new AgentDBSession({ db, sessionId }), new AgentDBSession({ db: other, sessionId })]
      const batches = Array.from({ length: 24 }, (_, b) => [user(`b${b} q`), call(`call_${b}`), result(`call_${b}`, `r${b}`), answer(`msg_${b}`, `b${b} a`)])
      await Promise.all(batches.map((batch, b) => writers[b % 2]!.addItems(batch)))
      const stored = await writers[0]!.getItems()
      assert.equal(stored.length, batches.length * 4)
      const seen = new Set<number>()
      for (let at = 0; at < stored.length; at += 4) {
        const b = batches.findIndex((batch) => JSON.stringify(batch[0]) === JSON.stringify(stored[at]))
        assert.ok(b >= 0 && !seen.has(b), `batch at ${at} starts with an unknown or repeated item`)
        seen.add(b)
        assert.deepStrictEqual(stored.slice(at, at + 4), batches[b], `batch ${b} is whole and in order`)
      }
      const seqs = (await db.getTimeline(sessionId)).map((e) => e.seq)
      assert.deepStrictEqual(seqs, [...seqs].sort((x, y) => x - y))
    })

    it('applyHistoryTransaction: append_items and replace_suffix apply once per operation id', async () => {
      const db = await fresh()
      const sessionId = uid('oa-tx')
      const session = new AgentDBSession({ db, sessionId })
      await session.addItems([user('hi')])
      const append = { type: 'append_items' as const, items: [call('call_t'), result('call_t', 'blocked?')] }
      await session.applyHistoryTransaction({ operationId: 'op-1', transaction: append })
      await session.applyHistoryTransaction({ operationId: 'op-1', transaction: structuredClone(append) })
      // the same payload with its keys in another order is the same transaction (the SDK compares structurally)
      const reordered = { items: append.items.map((i) => Object.fromEntries(Object.entries(i).reverse())) as Item[], type: 'append_items' as const }
      await new AgentDBSession({ db: await second(db), sessionId }).applyHistoryTransaction({ operationId: 'op-1', transaction: reordered })
      assert.deepStrictEqual(await session.getItems(), [user('hi'), call('call_t'), result('call_t', 'blocked?')])
      await expectError(() => session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [user('other')] } }), ValidationError, 'OPERATION_REUSED')
      const replace = { type: 'replace_suffix' as const, expectedSuffix: [result('call_t', 'blocked?')], replacement: [result('call_t', 'allowed'), answer('msg_t', 'Done.')] }
      await session.applyHistoryTransaction({ operationId: 'op-2', transaction: replace })
      const after = [user('hi'), call('call_t'), result('call_t', 'allowed'), answer('msg_t', 'Done.')]
      assert.deepStrictEqual(await session.getItems(), after)
      await session.applyHistoryTransaction({ operationId: 'op-2', transaction: structuredClone(replace) })
      assert.deepStrictEqual(await session.getItems(), after, 'a replayed replace_suffix changes nothing (its suffix is gone, yet it succeeds)')
      await expectError(() => session.applyHistoryTransaction({ operationId: 'op-2', transaction: { ...replace, replacement: [answer('msg_z', 'Other.')] } }), ValidationError, 'OPERATION_REUSED')
      assert.deepStrictEqual(await session.getItems(), after)
    })

    it('applyHistoryTransaction refuses a stale suffix or a malformed transaction and changes nothing', async () => {
      const db = await fresh()
      const sessionId = uid('oa-stale')
      const session = new AgentDBSession({ db, sessionId })
      const items = [user('a'), answer('msg_s1', 'b')]
      await session.addItems(items)
      const stale = { type: 'replace_suffix' as const, expectedSuffix: [answer('msg_s1', 'not b')], replacement: [answer('msg_s2', 'c')] }
      await expectError(() => session.applyHistoryTransaction({ operationId: 'op-stale', transaction: stale }), StoreError, 'HISTORY_CONFLICT')
      const tooLong = { type: 'replace_suffix' as const, expectedSuffix: [user('0'), ...items], replacement: [] }
      await expectError(() => session.applyHistoryTransaction({ operationId: 'op-long', transaction: tooLong }), StoreError, 'HISTORY_CONFLICT')
      assert.deepStrictEqual(await session.getItems(), items)
      // the refused id was not recorded: it may be used for a transaction that fits
      await session.applyHistoryTransaction({ operationId: 'op-stale', transaction: { ...stale, expectedSuffix: [answer('msg_s1', 'b')] } })
      assert.deepStrictEqual(await session.getItems(), [user('a'), answer('msg_s2', 'c')])
      const bad: unknown[] = [
        { operationId: '', transaction: { type: 'append_items', items: [] } },
        { operationId: 'x', transaction: { type: 'rewrite', items: [] } },
        { operationId: 'x', transaction: { type: 'append_items', items: [1] } },
        { operationId: 'x', transaction: { type: 'append_items', items: [{ role: 'user', content: () => 1 }] } },
      ]
      for (const args of bad) await expectError(() => session.applyHistoryTransaction(args as never), ValidationError, 'FIELD_INVALID')
      await expectError(() => session.addItems([as({ role: 'user', content: 'x', at: new Date() })]), ValidationError, 'FIELD_INVALID')
      assert.deepStrictEqual(await session.getItems(), [user('a'), answer('msg_s2', 'c')])
    })

    it('a transaction whose operation id could not be recorded is recognised when replayed (no second apply)', async () => {
      const db = await fresh()
      const sessionId = uid('oa-tx-lost')
      const session = new AgentDBSession({ db, sessionId })
      await session.addItems([user('q'), call('call_l')])
      const original = db.setSessionKey.bind(db)
      let failed = 0
      // the edit commits, then recording the operation id fails (as a process stopping in between would leave it)
      Object.defineProperty(db, 'setSessionKey', {
        configurable: true,
        value: (...args: Parameters<PraisonAIDB['setSessionKey']>) => {
          if (args[1].startsWith('openai-agents:op:')) {
            failed += 1
            return Promise.reject(new Error('injected: the operation id was not recorded'))
          }
          return original(...args)
        },
      })
      const replace = { type: 'replace_suffix' as const, expectedSuffix: [call('call_l')], replacement: [call('call_l', 'lookup'), result('call_l', 'ok', 'lookup')] }
      await assert.rejects(session.applyHistoryTransaction({ operationId: 'op-lost', transaction: replace }), /injected/)
      assert.equal(failed, 1, 'the fault was injected')
      const applied = [user('q'), call('call_l', 'lookup'), result('call_l', 'ok', 'lookup')]
      assert.deepStrictEqual(await session.getItems(), applied)
      Object.defineProperty(db, 'setSessionKey', { configurable: true, value: original })
      await expectError(() => session.applyHistoryTransaction({ operationId: 'op-lost', transaction: { ...replace, replacement: [user('x')] } }), ValidationError, 'OPERATION_REUSED')
      await session.applyHistoryTransaction({ operationId: 'op-lost', transaction: structuredClone(replace) })
      assert.deepStrictEqual(await session.getItems(), applied, 'the replay changed nothing')
    })

    it('after clearSession an operation id may be used again', async () => {
      const db = await fresh()
      const sessionId = uid('oa-tx-clear')
      const session = new AgentDBSession({ db, sessionId })
      await session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [user('first')] } })
      await session.clearSession()
      await session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [user('second')] } })
      assert.deepStrictEqual(await session.getItems(), [user('second')])
    })
  })
}
