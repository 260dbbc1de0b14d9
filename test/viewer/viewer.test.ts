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
    // a run with its trace: a model call, the tool, a second model call (the waterfall)
    const at = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    const trace = { sessionId: 'view-a', traceId: 'trace-1' }
    await writer.aonRunStart('view-a', 'run-1', 'Look up the weather')
    await writer.aonTraceStart({ ...trace, name: 'turn', runId: 'run-1', userId: 'alice' })
    await writer.aonSpanStart({ ...trace, spanId: 'agent', name: 'Helper', kind: 'agent' })
    await writer.aonSpanStart({ ...trace, spanId: 'llm-1', parentSpanId: 'agent', name: 'chat <b>model</b>', kind: 'llm' })
    await at(40)
    await writer.aonSpanEnd({ ...trace, spanId: 'llm-1', status: 'ok' })
    await writer.aonSpanStart({ ...trace, spanId: 'tool-1', parentSpanId: 'agent', name: 'weather', kind: 'tool' })
    await at(25)
    await writer.aonSpanEnd({ ...trace, spanId: 'tool-1', status: 'ok' })
    await writer.aonSpanStart({ ...trace, spanId: 'llm-2', parentSpanId: 'agent', name: 'chat model', kind: 'llm' })
    await at(30)
    await writer.aonSpanEnd({ ...trace, spanId: 'llm-2', status: 'ok' })
    await writer.aonSpanEnd({ ...trace, spanId: 'agent', status: 'ok' })
    await writer.aonTraceEnd({ ...trace, status: 'ok' })
    await writer.aonRunEnd({ sessionId: 'view-a', runId: 'run-1', outputContent: 'It is 21 °C', status: 'completed', metrics: { durationMs: 120, promptTokens: 310, completionTokens: 42 } })
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

/**
 * Waits until a page-side expression is true, polling from here: the page's CSP forbids the
 * eval that Playwright's waitForFunction runs in the page.
 */
async function until(p: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await p.evaluate(expression) as boolean)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

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
    await until(p, "document.querySelectorAll('#sessions tbody tr').length === 1")
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

  it('searches messages from the session list, best match first, and opens the session of a hit', async () => {
    const p = await page()
    await p.goto(viewer.url)
    await p.waitForSelector('#sessions tbody tr')
    await p.fill('#filter-text', 'the weather')
    await p.click('#filters button')
    await p.waitForSelector('#search-results tbody tr')
    const hits = await p.evaluate("[...document.querySelectorAll('#search-results tbody tr')].map((r) => r.dataset.id + '#' + r.dataset.seq)") as string[]
    assert.deepEqual(hits, ['view-a#1'], 'the one message holding both words')
    assert.equal(await p.isVisible('#sessions'), false, 'the results replace the session list')
    assert.match(await p.textContent('#search-summary') ?? '', /matching message/)
    assert.equal(await p.textContent('#search-results tbody tr td.hit-content'), 'Look up the weather <script>window.__pwned = true</script>')
    assert.equal(await p.evaluate('window.__pwned'), undefined, 'a hit is text, never HTML')
    await p.screenshot({ path: join(ARTIFACTS, 'viewer-search.png'), fullPage: true })
    await p.fill('#filter-text', 'nothing-like-this')
    await p.click('#filters button')
    await until(p, "document.querySelector('#search-summary').textContent.startsWith('no messages match')")
    await p.fill('#filter-text', 'weather')
    await p.click('#filters button')
    await p.waitForSelector('#search-results tbody tr[data-id="view-a"]')
    await p.click('#search-results tbody tr[data-id="view-a"]')
    await p.waitForSelector('#timeline li[data-seq="3"]')
    assert.equal(await p.textContent('#session-title'), 'view-a')
    await p.close()
  })

  it('draws a run\'s spans as a waterfall on the session page, names as text', async () => {
    const p = await page()
    await p.setViewportSize({ width: 1200, height: 900 })
    await p.goto(`${viewer.url}#session/view-a`)
    await p.waitForSelector('#run-list .run[data-run="run-1"] .span-row[data-span="llm-2"]')
    assert.match(await p.textContent('#run-list .run[data-run="run-1"] .run-head') ?? '', /run run-1.*completed.*120 ms.*352 tokens/)
    const rows = await p.evaluate("[...document.querySelectorAll('.run[data-run=\"run-1\"] .span-row')].map((r) => { const bar = r.querySelector('.span-bar').getBoundingClientRect(); const track = r.querySelector('.span-track').getBoundingClientRect(); return { id: r.dataset.span, left: bar.left - track.left, width: bar.width, label: r.querySelector('.span-label').textContent } })") as { id: string; left: number; width: number; label: string }[]
    assert.deepEqual(rows.map((r) => r.id), ['agent', 'llm-1', 'tool-1', 'llm-2'], 'spans in start order')
    const [agent, llm1, tool, llm2] = rows
    assert.ok(agent!.width > llm1!.width && llm1!.width > 0 && tool!.width > 0 && llm2!.width > 0, JSON.stringify(rows))
    assert.ok(llm1!.left <= tool!.left && tool!.left <= llm2!.left, 'each bar starts where its step started')
    assert.equal(llm1!.label, 'chat <b>model</b> [llm]', 'a span name is text, never markup')
    assert.equal(await p.$$eval('.span-label b', (b) => b.length), 0)
    const shot = await p.locator('#session-view').screenshot({ path: join(ARTIFACTS, 'viewer.png') })
    assert.ok(shot.length > 1000)
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
    await until(p, "document.querySelectorAll('#timeline li').length === 400")
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
