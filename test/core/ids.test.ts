import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'

describe('record ids', () => {
  it('are UUIDv7, unique and increasing in creation order', async () => {
    await using db = new PraisonAIDB('memory:')
    const writes: Promise<void>[] = []
    for (let i = 0; i < 20_000; i++) writes.push(db.aonUserMessage('ids', `${i}`))
    await Promise.all(writes)
    const ids = (await db.getMessages('ids')).map((m) => m.id)
    assert.equal(new Set(ids).size, ids.length)
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`)
    for (const id of ids.slice(0, 100)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const ms = parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)
    assert.ok(Math.abs(ms - Date.now()) < 60_000, 'the first 48 bits are the creation time in ms')
  })
})
