import assert from 'node:assert/strict'
import type { UIMessage } from 'ai'
import { chatStore, type ChatStore } from '../../adapters/ai-sdk/index.js'
import { StoreError, ValidationError, type PraisonAIDB, type TimelineItem } from '../../index.js'
import { openers, type ConformanceTarget, type TestApi } from '../conformance.js'
import { expectError, pause, uid } from '../helpers.js'

const USER_1: UIMessage = { id: 'u1', role: 'user', metadata: { sentAt: 1700000000000 }, parts: [{ type: 'text', text: 'Weather in Paris?' }] }

/** A multi-step reply: reasoning, a static tool that answered, a dynamic tool that failed, then text. */
const ASSISTANT_1: UIMessage = {
  id: 'a1',
  role: 'assistant',
  metadata: { model: 'test-model', zeta: 1, alpha: 2 },
  parts: [
    { type: 'step-start' },
    { type: 'reasoning', text: 'I need the weather.', state: 'done', providerMetadata: { openai: { itemId: 'rs_1', reasoningEncryptedContent: 'gAAA…' } } },
    {
      type: 'tool-getWeather', toolCallId: 'call_1', state: 'output-available', input: { city: 'Paris', units: 'c' },
      output: { tempC: 21, sky: 'clear' }, callProviderMetadata: { openai: { itemId: 'fc_1' } },
    },
    { type: 'dynamic-tool', toolName: 'lookup', toolCallId: 'call_2', state: 'output-error', input: { q: 'forecast' }, errorText: 'not found' },
    { type: 'step-start' },
    { type: 'text', text: 'It is 21 °C and clear.', state: 'done', providerMetadata: { openai: { itemId: 'msg_1' } } },
  ],
}

const text = (id: string, role: UIMessage['role'], words: string): UIMessage => ({ id, role, parts: [{ type: 'text', text: words }] })

/** The records of a timeline by id, with what a rewrite would change: seq and createdAt. */
function stamps(timeline: readonly TimelineItem[]): Map<string, string> {
  return new Map(timeline.map((item) => {
    const record = item.kind === 'message' ? item.message : item.toolCall
    return [record.id, `${record.seq}@${record.createdAt}`]
  }))
}

function assertGapless(timeline: readonly TimelineItem[]): void {
  for (let i = 1; i < timeline.length; i++) assert.ok(timeline[i]!.seq > timeline[i - 1]!.seq, 'seqs increase along the timeline')
  assert.equal(new Set(timeline.map((i) => (i.kind === 'message' ? i.message.id : i.toolCall.id))).size, timeline.length, 'no record twice')
}

/**
 * The AI SDK adapter's part of the adapter kit (`agentdb/ai-sdk`'s `chatStore`), for any store:
 * tool parts kept whole and projected into tool calls, a refused call writing nothing,
 * unchanged messages never rewritten, concurrent saves never forked, a retried save adding
 * nothing, providerMetadata and key order kept, the active stream's compare-and-clear, an
 * aborted reply saved and marked.
 *
 * ```ts
 * import { describe, it, after } from 'node:test'
 * aiSdkConformance({ describe, it, after }, { name: 'sqlite', capabilities: { … }, url: () => `sqlite:///${fresh()}` })
 * ```
 */
export function aiSdkConformance(test: TestApi, target: ConformanceTarget): void {
  const { describe, it } = test
  const { create, reopen } = openers(target)
  const opened: PraisonAIDB[] = []
  const track = async (open: PraisonAIDB | Promise<PraisonAIDB>): Promise<PraisonAIDB> => {
    const db = await open
    opened.push(db)
    return db
  }
  const fresh = async (): Promise<{ db: PraisonAIDB; chats: ChatStore<UIMessage> }> => {
    const db = await track(create())
    return { db, chats: chatStore(db) }
  }

  describe(`ai-sdk chat store: ${target.name}`, () => {
    test.after?.(async () => {
      for (const db of opened) await db.aclose()
      await target.destroy?.()
    })

    it('loads a chat exactly as saved, tool parts whole, and projects them into tool calls', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('chat')
      assert.deepEqual(await chats.loadChat(chatId), [])
      await chats.saveChat({ chatId, messages: [USER_1, ASSISTANT_1] })
      const loaded = await chats.loadChat(chatId)
      assert.deepEqual(loaded, [USER_1, ASSISTANT_1])
      assert.equal(JSON.stringify(loaded), JSON.stringify([USER_1, ASSISTANT_1]), 'key order kept')

      const timeline = await db.getTimeline(chatId)
      assert.deepEqual(timeline.map((i) => (i.kind === 'message' ? i.message.role : `tool:${i.toolCall.toolName}`)), ['user', 'assistant', 'tool:getWeather', 'tool:lookup'])
      const [user, assistant] = await db.getMessages(chatId)
      assert.equal(user!.content, 'Weather in Paris?')
      assert.equal(assistant!.content, 'It is 21 °C and clear.')
      assert.deepEqual(assistant!.toolCalls, [
        { id: 'call_1', name: 'getWeather', arguments: '{"city":"Paris","units":"c"}' },
        { id: 'call_2', name: 'lookup', arguments: '{"q":"forecast"}' },
      ])
      const calls = await db.getToolCalls(chatId)
      assert.deepEqual(calls.map((c) => ({ toolName: c.toolName, toolCallId: c.toolCallId, arguments: c.arguments, result: c.result, error: c.error })), [
        { toolName: 'getWeather', toolCallId: 'call_1', arguments: { city: 'Paris', units: 'c' }, result: { tempC: 21, sky: 'clear' }, error: null },
        { toolName: 'lookup', toolCallId: 'call_2', arguments: { q: 'forecast' }, result: null, error: 'not found' },
      ])
      const history = await db.getHistory(chatId)
      assert.deepEqual(history.map((m) => (m.role === 'tool' ? `tool:${m.tool_call_id}` : m.role)), ['user', 'assistant', 'tool:call_1', 'tool:call_2'])
    })

    it('refuses a bad call before writing anything', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('refused')
      const bad: readonly unknown[] = [
        [USER_1, { ...ASSISTANT_1, id: '' }],
        [USER_1, { role: 'assistant', parts: [] }],
        [USER_1, text('u1', 'assistant', 'same id twice')],
        [USER_1, { id: 'x', role: 'tool', parts: [] }],
        [USER_1, { id: 'x', role: 'user', parts: 'hello' }],
        [USER_1, { id: 'x', role: 'assistant', parts: [{ type: 'tool-t', state: 'input-available', input: {} }] }],
      ]
      for (const messages of bad) {
        await expectError(() => chats.saveChat({ chatId, messages: messages as UIMessage[] }), ValidationError, 'FIELD_INVALID')
      }
      const cyclic: Record<string, unknown> = { id: 'c', role: 'user', parts: [] }
      cyclic['self'] = cyclic
      await expectError(() => chats.saveChat({ chatId, messages: [USER_1, cyclic as unknown as UIMessage] }), ValidationError, 'JSON_UNFAITHFUL')
      await expectError(() => chats.saveChat({ chatId: '', messages: [USER_1] }), ValidationError, 'SESSION_ID_INVALID')
      assert.equal(await db.getSession(chatId), null, 'no session was created')

      await chats.saveChat({ chatId, messages: [USER_1, ASSISTANT_1] })
      const before = await db.getTimeline(chatId)
      await expectError(() => chats.saveChat({ chatId, messages: [USER_1, text('a1', 'assistant', 'changed'), { id: '', role: 'user', parts: [] }] }), ValidationError, 'FIELD_INVALID')
      await expectError(() => chats.saveChat({ chatId, messages: [text('new', 'user', 'hi'), USER_1] }), ValidationError, 'FIELD_INVALID')
      assert.deepEqual(await db.getTimeline(chatId), before, 'a refused save changes nothing')
    })

    it('leaves unchanged messages untouched and rewrites from the first change', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('rewrite')
      const [u2, a2] = [text('u2', 'user', 'And tomorrow?'), text('a2', 'assistant', 'Rain.')]
      await chats.saveChat({ chatId, messages: [USER_1, ASSISTANT_1, u2, a2] })
      const first = await db.getTimeline(chatId)
      const kept = [...stamps(first)].slice(0, 5)
      await pause(5)

      const edited = text('a2', 'assistant', 'Rain, then sun.')
      await chats.saveChat({ chatId, messages: [USER_1, ASSISTANT_1, u2, edited] })
      const second = await db.getTimeline(chatId)
      assert.deepEqual([...stamps(second)].slice(0, 5), kept, 'the first three messages and their tool calls keep their seq and createdAt')
      assert.ok(second.at(-1)!.seq > first.at(-1)!.seq, 'the rewritten message takes a new seq, never a reused one')
      assert.deepEqual(await chats.loadChat(chatId), [USER_1, ASSISTANT_1, u2, edited])

      const regenerated = text('a3', 'assistant', 'Sunny.')
      await chats.saveChat({ chatId, messages: [USER_1, ASSISTANT_1, u2, regenerated] })
      assert.deepEqual(await chats.loadChat(chatId), [USER_1, ASSISTANT_1, u2, regenerated], 'a regenerated reply replaces the old one')

      const u3 = text('u3', 'user', 'Thanks')
      await chats.saveChat({ chatId, messages: [u3] })
      assert.deepEqual(await chats.loadChat(chatId), [USER_1, ASSISTANT_1, u2, regenerated, u3], 'new messages alone are appended')

      const u2edited = text('u2', 'user', 'And the day after?')
      await chats.saveChat({ chatId, messages: [u2edited] })
      assert.deepEqual(await chats.loadChat(chatId), [USER_1, ASSISTANT_1, u2edited], 'an edited message replaces what followed it, as in the UI')
      const last = await db.getTimeline(chatId)
      assert.deepEqual([...stamps(last)].slice(0, 4), kept.slice(0, 4), 'the messages before the edited one are untouched')
      assertGapless(last)
      assert.equal(last.length, 5, 'removed messages are gone: two messages with two tool calls, then the edited one')
    })

    it('a retried save adds nothing', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('retry')
      const messages = [USER_1, ASSISTANT_1]
      await chats.saveChat({ chatId, messages })
      const once = await db.getTimeline(chatId)
      await chats.saveChat({ chatId, messages })
      await chats.saveChat({ chatId, messages: structuredClone(messages) })
      await chats.saveChat({ chatId, messages: [ASSISTANT_1] })
      const finish = chats.persistOnFinish(chatId)
      await finish({ messages, isAborted: false, responseMessage: ASSISTANT_1 })
      assert.deepEqual(await db.getTimeline(chatId), once)
      assert.deepEqual(await chats.loadChat(chatId), messages)
    })

    it('concurrent saves never fork or reorder the chat', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('race')
      await chats.saveChat({ chatId, messages: [USER_1] })
      // A second PraisonAIDB on the same storage stands for another process where the store has one.
      const second = reopen !== undefined && target.capabilities.persistent ? await track(reopen(db)) : db
      const other = second === db ? chats : chatStore<UIMessage>(second)
      const savers = 8
      let conflicts = 0
      for (const each of new Set([db, second])) {
        const edit = each.editHistory.bind(each)
        each.editHistory = async (...args) => {
          try {
            return await edit(...args)
          } catch (error) {
            if (error instanceof StoreError && error.code === 'HISTORY_CONFLICT') conflicts++
            throw error
          }
        }
      }

      // Whole chats: the last save to commit wins whole; none is mixed with another.
      const whole = Array.from({ length: savers }, (_, k) => [USER_1, text(`q${k}`, 'user', `question ${k}`), text(`r${k}`, 'assistant', `reply ${k}`)])
      await Promise.all(whole.map((messages, k) => (k % 2 === 0 ? chats : other).saveChat({ chatId, messages })))
      const after = await chats.loadChat(chatId)
      assert.ok(whole.some((messages) => JSON.stringify(messages) === JSON.stringify(after)), `one save's chat, whole: ${after.map((m) => m.id).join(',')}`)
      assert.ok(conflicts > 0, 'the savers raced: some edits were refused as stale and retried')

      // New messages only: every save is appended, each in one piece and in its order.
      await Promise.all(Array.from({ length: savers }, (_, k) =>
        (k % 2 === 0 ? chats : other).saveChat({ chatId, messages: [text(`x${k}`, 'user', `x ${k}`), text(`y${k}`, 'assistant', `y ${k}`)] })))
      const ids = (await chats.loadChat(chatId)).map((m) => m.id).slice(after.length)
      assert.equal(ids.length, savers * 2, `every appended message once: ${ids.join(',')}`)
      for (let k = 0; k < savers; k++) assert.equal(ids[ids.indexOf(`x${k}`) + 1], `y${k}`, `save ${k} is contiguous: ${ids.join(',')}`)
      const timeline = await db.getTimeline(chatId)
      assertGapless(timeline)
      assert.equal(timeline.length, after.length + savers * 2)

      // Without retries, the savers that lose are told so (HISTORY_CONFLICT); the winners' messages are appended whole.
      const once = chatStore<UIMessage>(db, { maxSaveAttempts: 1 })
      const tries = Array.from({ length: savers }, (_, k) => [text(`v${k}`, 'user', `v ${k}`), text(`w${k}`, 'assistant', `w ${k}`)])
      const outcomes = await Promise.allSettled(tries.map((messages) => once.saveChat({ chatId, messages })))
      const lost = outcomes.filter((o) => o.status === 'rejected')
      for (const o of lost) assert.ok(o.reason instanceof StoreError && o.reason.code === 'HISTORY_CONFLICT', String(o.reason))
      assert.ok(lost.length > 0 && lost.length < savers, `some saves lost the race: ${lost.length} of ${savers}`)
      const won = tries.filter((_, k) => outcomes[k]!.status === 'fulfilled').flatMap((messages) => messages.map((m) => m.id))
      const tail = (await chats.loadChat(chatId)).map((m) => m.id).slice(after.length + savers * 2)
      assert.deepEqual([...tail].sort(), [...won].sort(), 'exactly the winners\' messages were added')
      for (let i = 0; i < tail.length; i += 2) assert.equal(tail[i + 1], tail[i]!.replace('v', 'w'), `each winner's messages are contiguous: ${tail.join(',')}`)
    })

    it('keeps providerMetadata and every key in its order', async () => {
      const { chats } = await fresh()
      const chatId = uid('provider')
      const message: UIMessage = {
        parts: [
          { type: 'text', text: 'hi', providerMetadata: { zeta: { b: 1, a: 2 }, anthropic: { cacheControl: { type: 'ephemeral' } } } },
          { type: 'reasoning', text: '', providerMetadata: { openai: { itemId: 'rs_9', reasoningEncryptedContent: null } } },
          { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AAAA', providerMetadata: { google: { fileUri: 'x' } } },
          { type: 'source-url', sourceId: 's1', url: 'https://example.com', providerMetadata: { perplexity: { rank: 1 } } },
          { type: 'data-weather', id: 'd1', data: { z: 1, y: [2, { x: 3 }] } },
        ],
        role: 'assistant',
        id: 'm-provider',
        metadata: { zz: 'last key first', a: { longer_key: 1, k: 2 }, '🔑': 'emoji', nul: 'a\u0000b', n: -1.5e-7 },
      }
      await chats.saveChat({ chatId, messages: [message] })
      const [loaded] = await chats.loadChat(chatId)
      assert.equal(JSON.stringify(loaded), JSON.stringify(message))
    })

    it('records the active stream and clears it only while it is still the same (compare-and-clear)', async () => {
      const { chats } = await fresh()
      const chatId = uid('stream')
      assert.equal(await chats.getActiveStream(chatId), null)
      assert.equal(await chats.clearActiveStream(chatId, 'stream-1'), false, 'nothing to clear')
      await chats.setActiveStream(chatId, 'stream-1')
      assert.equal(await chats.getActiveStream(chatId), 'stream-1')
      await chats.setActiveStream(chatId, 'stream-2')
      assert.equal(await chats.clearActiveStream(chatId, 'stream-1'), false, 'a finished older stream does not clear a newer one')
      assert.equal(await chats.getActiveStream(chatId), 'stream-2')
      assert.equal(await chats.clearActiveStream(chatId, 'stream-2'), true)
      assert.equal(await chats.getActiveStream(chatId), null)
      assert.equal(await chats.clearActiveStream(chatId, 'stream-2'), false, 'a second clear changes nothing')
      await expectError(() => chats.setActiveStream(chatId, ''), ValidationError, 'FIELD_INVALID')
    })

    it('saves an aborted reply, marked as aborted; a reply without an id gets one', async () => {
      const { db, chats } = await fresh()
      const chatId = uid('aborted')
      const partial: UIMessage = { id: 'a-partial', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'It is 2', state: 'streaming' }] }
      await chats.persistOnFinish(chatId)({ messages: [USER_1, partial], isAborted: true, responseMessage: partial })
      assert.deepEqual(await chats.loadChat(chatId), [USER_1, partial], 'loaded verbatim')
      const [user, reply] = await db.getMessages(chatId)
      assert.equal(user!.metadata['aborted'], undefined)
      assert.equal(reply!.metadata['aborted'], true)

      await chats.saveChat({ chatId, messages: [USER_1, partial, text('u2', 'user', 'go on')] })
      assert.equal((await db.getMessages(chatId))[1]!.metadata['aborted'], true, 'an unchanged aborted reply keeps its mark')

      const finished: UIMessage = { ...partial, parts: [{ type: 'step-start' }, { type: 'text', text: 'It is 21 °C.', state: 'done' }] }
      await chats.persistOnFinish(chatId)({ messages: [USER_1, finished], isAborted: false, responseMessage: finished })
      const messages = await db.getMessages(chatId)
      assert.equal(messages.length, 2)
      assert.equal(messages[1]!.metadata['aborted'], undefined, 'a completed reply is not marked')

      const other = uid('unnamed')
      const unnamed: UIMessage = { id: '', role: 'assistant', parts: [{ type: 'text', text: 'hello' }] }
      await chats.persistOnFinish(other)({ messages: [USER_1, unnamed], isAborted: false, responseMessage: unnamed })
      const saved = await chats.loadChat(other)
      assert.equal(saved.length, 2)
      assert.notEqual(saved[1]!.id, '')
      assert.deepEqual(saved[1]!.parts, unnamed.parts)
    })

    it('lists a user\'s chats newest first', async () => {
      const { chats } = await fresh()
      const user = uid('user')
      const [c1, c2, c3] = [uid('c1'), uid('c2'), uid('c3')]
      await chats.saveChat({ chatId: c1, userId: user, messages: [USER_1] })
      await pause(5)
      await chats.saveChat({ chatId: c2, userId: user, messages: [USER_1] })
      await chats.saveChat({ chatId: c3, userId: uid('someone-else'), messages: [USER_1] })
      const page = await chats.listChats({ userId: user })
      assert.deepEqual(page.items.map((c) => [c.chatId, c.userId]), [[c2, user], [c1, user]])
      assert.equal(page.nextCursor, null)
    })
  })
}
