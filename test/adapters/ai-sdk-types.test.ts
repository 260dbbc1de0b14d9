// Issue 13: chatStore's types fit the AI SDK's own, for v6 (`ai`) and v7 (`ai-v7`): this file
// only compiles if persistOnFinish is a valid onFinish/onEnd and loadChat gives the SDK's UIMessage.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UIMessage, UIMessageStreamOnFinishCallback } from 'ai'
import type { UIMessage as UIMessageV7, UIMessageStreamOnEndCallback, UIMessageStreamOnFinishCallback as OnFinishV7 } from 'ai-v7'
import { chatStore } from '../../src/adapters/ai-sdk/index.js'
import { PraisonAIDB } from '../../src/index.js'

describe('chatStore types', () => {
  it('are those of ai v6 by default and of v7 when asked, handlers included', async () => {
    await using db = new PraisonAIDB('memory:')
    const v6 = chatStore(db)
    const onFinish: UIMessageStreamOnFinishCallback<UIMessage> = v6.persistOnFinish('c6')
    const loaded: UIMessage[] = await v6.loadChat('c6')

    const v7 = chatStore<UIMessageV7>(db)
    const onEnd: UIMessageStreamOnEndCallback<UIMessageV7> = v7.persistOnFinish('c7')
    const onFinishV7: OnFinishV7<UIMessageV7> = v7.persistOnFinish('c7')
    const message: UIMessageV7 = { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }
    await onEnd({ messages: [message], isAborted: false, isContinuation: false, outcome: { status: 'completed' }, responseMessage: message })
    const loadedV7: UIMessageV7[] = await v7.loadChat('c7')

    assert.equal(typeof onFinish, 'function')
    assert.equal(typeof onFinishV7, 'function')
    assert.deepEqual(loaded, [])
    assert.deepEqual(loadedV7, [message])
  })
})
