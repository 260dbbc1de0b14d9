// The viewer as a user sees it: a real headless Chromium against the page and its API.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { PraisonAIDB } from '../../src/index.js'
import { startViewer, type Viewer } from '../../src/viewer/server.js'
import { ARTIFACTS, launchBrowser } from '../support/browser.js'

const dir = mkdtempSync(join(tmpdir(), 'agentdb-viewer-'))
const url = `sqlite:///${join(dir, 'viewer.db')}`
let browser: Browser
let db: PraisonAIDB
let viewer: Viewer

before(async () => {
  {
    await using writer = new PraisonAIDB(url)
    await writer.aonAgentStart({ sessionId: 'view-a', name: 'Helper', agentId: 'agent-1', userId: 'alice' })
    await writer.aonUserMessage('view-a', 'Look up the weather <script>window.__pwned = true</script>')
    await writer.aonToolCall('view-a', 'weather', { city: 'Paris' }, { tempC: 21, sky: 'clear' })
    await writer.aonAgentMessage('view-a', 'It is 21 °C and clear in Paris.')
    await writer.aonUserMessage('view-b', 'Another conversation', { user_id: 'bob' })
    for (let i = 0; i < 450; i++) await writer.aonUserMessage('view-long', `message ${i}`)
  }
  db = new PraisonAIDB(url)
  viewer = await startViewer({ db })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await viewer?.close()
  await db?.aclose()
  rmSync(dir, { recursive: true, force: true })
})

async function page(): Promise<Page> {
  const p = await browser.newPage()
  p.on('pageerror', (error) => { throw error })
  return p
}

describe('viewer in Chromium', () => {
  it('lists sessions newest first and filters by user', async () => {
    const p = await page()
    await p.goto(viewer.url)
    await p.waitForSelector('#sessions tbody tr')
    // page-side code as strings: the tests compile without the DOM library
    const ids = await p.evaluate("[...document.querySelectorAll('#sessions tbody tr')].map((r) => r.dataset.id)") as string[]
    assert.deepEqual(ids, ['view-long', 'view-b', 'view-a'])
    await p.fill('#filter-user', 'alice')
    await p.click('#filters button')
    await p.waitForFunction("document.querySelectorAll('#sessions tbody tr').length === 1")
    assert.equal(await p.textContent('#sessions tbody tr td'), 'view-a')
    await p.screenshot({ path: join(ARTIFACTS, 'viewer-list.png'), fullPage: true })
    await p.close()
  })

  it('opens a session, unfolds a tool call, shows a <script> message as text without running it', async () => {
    const p = await page()
    await p.goto(viewer.url)
    await p.click('#sessions tbody tr[data-id="view-a"]')
    await p.waitForSelector('#timeline li[data-seq="3"]')
    const text = await p.textContent('#timeline li[data-seq="1"] .content')
    assert.equal(text, 'Look up the weather <script>window.__pwned = true</script>')
    assert.equal(await p.evaluate('window.__pwned'), undefined)
    assert.equal(await p.$$eval('#timeline script', (s) => s.length), 0)
    assert.equal(await p.isVisible('#timeline li[data-seq="2"] pre.result'), false)
    await p.click('#timeline li[data-seq="2"] summary')
    assert.equal(await p.isVisible('#timeline li[data-seq="2"] pre.result'), true)
    assert.deepEqual(JSON.parse(await p.textContent('#timeline li[data-seq="2"] pre.result') ?? ''), { tempC: 21, sky: 'clear' })
    await p.screenshot({ path: join(ARTIFACTS, 'viewer-session.png'), fullPage: true })
    await p.close()
  })

  it('shows a message another process appends while the page is open', async () => {
    const p = await page()
    await p.goto(`${viewer.url}#session/view-a`)
    await p.waitForSelector('#timeline li[data-seq="3"]')
    {
      await using other = new PraisonAIDB(url)
      await other.aonUserMessage('view-a', 'a late question')
    }
    await p.waitForSelector('#timeline li[data-seq="4"]', { timeout: 10_000 })
    assert.equal(await p.textContent('#timeline li[data-seq="4"] .content'), 'a late question')
    await p.close()
  })

  it('opens a long session a page at a time', async () => {
    const p = await page()
    await p.goto(`${viewer.url}#session/view-long`)
    await p.waitForSelector('#timeline li[data-seq="450"]')
    assert.equal(await p.$$eval('#timeline li', (li) => li.length), 200)
    await p.click('#earlier')
    await p.waitForFunction("document.querySelectorAll('#timeline li').length === 400")
    assert.equal(await p.getAttribute('#timeline li:first-child', 'data-seq'), '51')
    await p.close()
  })
})

describe('viewer access', () => {
  it('answers only GET, parameterises its input, and needs a token when bound beyond loopback', async () => {
    const post = await fetch(new URL('api/sessions', viewer.url), { method: 'POST' })
    assert.equal(post.status, 405)
    const bad = await fetch(new URL("api/sessions?limit=1;DROP TABLE sessions", viewer.url))
    assert.equal(bad.status, 400)
    const injected = await fetch(new URL(`api/sessions/${encodeURIComponent("x' OR '1'='1")}`, viewer.url))
    assert.equal(injected.status, 404)
    const address = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address ?? '0.0.0.0'
    const open = await startViewer({ db, host: address === '0.0.0.0' ? '0.0.0.0' : address })
    try {
      const withToken = new URL(open.url)
      assert.match(withToken.searchParams.get('token') ?? '', /^[A-Za-z0-9_-]{32}$/)
      const loopback = new URL(`http://127.0.0.1:${withToken.port}/api/sessions`)
      if (address === '0.0.0.0') assert.equal((await fetch(loopback)).status, 401, 'loopback requests need the token too')
      const noToken = new URL(withToken)
      noToken.search = ''
      assert.equal((await fetch(new URL('api/sessions', noToken))).status, 401)
      const ok = new URL('api/sessions', withToken)
      ok.searchParams.set('token', withToken.searchParams.get('token')!)
      assert.equal((await fetch(ok)).status, 200)
    } finally {
      await open.close()
    }
  })
})
