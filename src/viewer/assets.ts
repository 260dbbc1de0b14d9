// The viewer's page. Stored content is only ever put into the page as text (textContent),
// never as HTML, and the Content-Security-Policy allows no inline script.

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentdb viewer</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<header><a id="home" href="#">agentdb</a><span id="target"></span></header>
<main>
  <section id="list-view">
    <form id="filters">
      <input id="filter-text" type="search" placeholder="search messages">
      <input id="filter-user" placeholder="user id">
      <input id="filter-agent" placeholder="agent id">
      <button type="submit">Filter</button>
    </form>
    <table id="sessions"><thead><tr><th>Session</th><th>User</th><th>Agent</th><th>Started</th><th>Last active</th></tr></thead><tbody></tbody></table>
    <button id="more-sessions" hidden>More sessions</button>
    <div id="search-view" hidden>
      <p id="search-summary"></p>
      <table id="search-results"><thead><tr><th>Session</th><th>#</th><th>Role</th><th>Written</th><th>Message</th></tr></thead><tbody></tbody></table>
      <button id="more-hits" hidden>More results</button>
    </div>
  </section>
  <section id="session-view" hidden>
    <h1 id="session-title"></h1>
    <p id="session-meta"></p>
    <section id="runs" hidden><h2>Runs</h2><div id="run-list"></div></section>
    <button id="earlier" hidden>Load earlier</button>
    <ol id="timeline"></ol>
    <p id="live">live</p>
  </section>
</main>
<script src="app.js"></script>
</body>
</html>
`

export const STYLE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: baseline; }
header a { color: #fff; font-weight: 600; text-decoration: none; }
#target { color: #9aa4b5; font-size: 12px; }
main { padding: 16px; max-width: 1100px; margin: 0 auto; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e6eb; }
tbody tr { cursor: pointer; } tbody tr:hover { background: #eef3ff; }
form { display: flex; gap: 8px; margin-bottom: 12px; }
#timeline { list-style: none; padding: 0; }
#timeline li { background: #fff; border: 1px solid #e3e6eb; border-radius: 6px; margin: 8px 0; padding: 8px 12px; }
.who { font-weight: 600; margin-right: 8px; } .seq, .time { color: #8a93a3; font-size: 12px; margin-right: 8px; }
.user .who { color: #0b63c5; } .assistant .who { color: #137a3a; } .toolCall .who { color: #9a5b00; }
.content { white-space: pre-wrap; margin-top: 4px; }
details pre { background: #f2f4f7; padding: 8px; overflow: auto; }
#live { color: #137a3a; font-size: 12px; }
#filter-text { flex: 1; }
#search-summary { color: #5b6475; }
.hit-content { white-space: pre-wrap; max-width: 560px; }
h2 { font-size: 15px; margin: 16px 0 6px; }
.run { background: #fff; border: 1px solid #e3e6eb; border-radius: 6px; margin: 8px 0; padding: 8px 12px; }
.run-head { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
.run-id { font-weight: 600; } .status-completed, .status-ok { color: #137a3a; } .status-error, .status-interrupted { color: #b3261e; } .status-running { color: #9a5b00; }
.waterfall { margin-top: 6px; }
.span-row { display: grid; grid-template-columns: 220px 1fr 80px; gap: 8px; align-items: center; font-size: 12px; height: 20px; }
.span-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.span-track { position: relative; height: 12px; background: #f2f4f7; border-radius: 3px; }
.span-bar { position: absolute; top: 0; height: 12px; min-width: 2px; border-radius: 3px; background: #6b8fd6; }
.span-bar.kind-llm { background: #7c5cc4; } .span-bar.kind-tool { background: #d08a1f; } .span-bar.kind-agent { background: #3a8f5c; }
.span-bar.status-error { background: #c8453c; } .span-bar.status-running { background: repeating-linear-gradient(45deg, #9aa4b5, #9aa4b5 4px, #c3c9d3 4px, #c3c9d3 8px); }
.span-time { color: #8a93a3; text-align: right; }
`

export const APP_JS = `'use strict'
const token = new URLSearchParams(location.search).get('token')
const api = (path, params = {}) => {
  const q = new URLSearchParams(params)
  if (token) q.set('token', token)
  return fetch(path + '?' + q).then((r) => r.ok ? r.json() : r.json().then((b) => Promise.reject(new Error(b.error || r.statusText))))
}
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e }
const time = (iso) => iso ? iso.replace('T', ' ').replace(/\\.\\d+Z$/, '') : ''
let listCursor = null
let filters = {}
let searchText = ''
let searchCursor = null
let poll = null

function showList() {
  clearInterval(poll)
  document.getElementById('session-view').hidden = true
  document.getElementById('list-view').hidden = false
}

async function loadSessions(reset) {
  const body = document.querySelector('#sessions tbody')
  if (reset) { body.textContent = ''; listCursor = null }
  const page = await api('api/sessions', { ...filters, ...(listCursor ? { cursor: listCursor } : {}) })
  for (const s of page.items) {
    const row = el('tr')
    row.dataset.id = s.id
    for (const v of [s.id, s.userId || '', s.agentId || s.name || '', time(s.createdAt), time(s.updatedAt)]) row.append(el('td', '', v))
    row.addEventListener('click', () => { location.hash = 'session/' + encodeURIComponent(s.id) })
    body.append(row)
  }
  listCursor = page.nextCursor
  document.getElementById('more-sessions').hidden = !listCursor
}

async function loadHits(reset) {
  const body = document.querySelector('#search-results tbody')
  if (reset) { body.textContent = ''; searchCursor = null }
  const page = await api('api/search', { q: searchText, ...filters, ...(searchCursor ? { cursor: searchCursor } : {}) })
  for (const h of page.items) {
    const row = el('tr')
    row.dataset.id = h.sessionId
    row.dataset.seq = String(h.seq)
    row.append(el('td', '', h.sessionId), el('td', '', String(h.seq)), el('td', '', h.message.role), el('td', '', time(h.message.createdAt)), el('td', 'hit-content', h.message.content.length > 300 ? h.message.content.slice(0, 300) + '…' : h.message.content))
    row.addEventListener('click', () => { location.hash = 'session/' + encodeURIComponent(h.sessionId) })
    body.append(row)
  }
  searchCursor = page.nextCursor
  document.getElementById('more-hits').hidden = !searchCursor
  document.getElementById('search-summary').textContent = body.children.length ? body.children.length + ' matching message' + (body.children.length === 1 ? '' : 's') + (searchCursor ? ' so far' : '') + ' for “' + searchText + '”, best first' : 'no messages match “' + searchText + '”'
}

function showSearch(on) {
  document.getElementById('search-view').hidden = !on
  document.getElementById('sessions').hidden = on
  document.getElementById('more-sessions').hidden = on || !listCursor
}

const ms = (a, b) => (b ? Date.parse(b) : Date.now()) - Date.parse(a)
const duration = (n) => n == null ? '' : n < 1000 ? Math.round(n) + ' ms' : (n / 1000).toFixed(1) + ' s'
function tokensOf(metrics) {
  const n = (...names) => { for (const k of names) if (typeof metrics[k] === 'number') return metrics[k]; return null }
  const total = n('totalTokens', 'total_tokens')
  if (total !== null) return total
  const p = n('promptTokens', 'prompt_tokens', 'inputTokens', 'input_tokens'), c = n('completionTokens', 'completion_tokens', 'outputTokens', 'output_tokens')
  if (p !== null || c !== null) return (p || 0) + (c || 0)
  return n('tokens')
}

// A trace's spans as bars on one time axis, nested spans indented under their parent; the
// bars are positioned through the CSSOM (no markup from content, no inline style text).
function waterfall(trace) {
  const box = el('div', 'waterfall')
  const start = Date.parse(trace.startedAt)
  const spans = trace.spans
  const end = Math.max(trace.endedAt ? Date.parse(trace.endedAt) : 0, ...spans.map((s) => s.endedAt ? Date.parse(s.endedAt) : Date.now()), start + 1)
  const total = end - start
  const depth = (s) => { let d = 0, p = s.parentSpanId; const byId = new Map(spans.map((x) => [x.id, x])); while (p && byId.has(p) && d < 20) { d++; p = byId.get(p).parentSpanId } return d }
  for (const s of spans) {
    const row = el('div', 'span-row')
    row.dataset.span = s.id
    const label = el('div', 'span-label', s.name + ' [' + s.kind + ']' + (s.error ? ' — ' + s.error : ''))
    label.style.paddingLeft = (depth(s) * 12) + 'px'
    label.title = s.name
    const track = el('div', 'span-track')
    const bar = el('div', 'span-bar kind-' + s.kind.replace(/[^a-z0-9_-]/gi, '') + ' status-' + s.status)
    bar.style.left = ((Date.parse(s.startedAt) - start) / total * 100).toFixed(2) + '%'
    bar.style.width = (ms(s.startedAt, s.endedAt) / total * 100).toFixed(2) + '%'
    track.append(bar)
    row.append(label, track, el('div', 'span-time', duration(ms(s.startedAt, s.endedAt))))
    box.append(row)
  }
  return box
}

async function loadRuns(id) {
  const { runs, traces } = await api('api/sessions/' + encodeURIComponent(id) + '/runs')
  const list = document.getElementById('run-list')
  list.textContent = ''
  document.getElementById('runs').hidden = runs.length === 0 && traces.length === 0
  const used = new Set()
  for (const r of runs) {
    const box = el('div', 'run')
    box.dataset.run = r.id
    const head = el('div', 'run-head')
    const tokens = tokensOf(r.metrics)
    const took = typeof r.metrics.durationMs === 'number' ? r.metrics.durationMs : r.endedAt ? ms(r.startedAt, r.endedAt) : null
    head.append(el('span', 'run-id', 'run ' + r.id), el('span', 'status-' + r.status, r.status), el('span', 'time', time(r.startedAt)), el('span', 'run-duration', duration(took)))
    if (tokens !== null) head.append(el('span', 'run-tokens', tokens + ' tokens'))
    head.append(el('span', 'run-input', r.input.length > 120 ? r.input.slice(0, 120) + '…' : r.input))
    box.append(head)
    for (const t of traces.filter((t) => t.runId === r.id)) { used.add(t.id); box.append(waterfall(t)) }
    list.append(box)
  }
  for (const t of traces.filter((t) => !used.has(t.id))) {
    const box = el('div', 'run')
    box.append(el('div', 'run-head', 'trace ' + t.name + ' · ' + t.status), waterfall(t))
    list.append(box)
  }
}

function pretty(value) { return typeof value === 'string' ? value : JSON.stringify(value, null, 2) }

function renderItem(item) {
  const li = el('li', item.kind === 'message' ? item.message.role : 'toolCall')
  li.dataset.seq = String(item.seq)
  li.append(el('span', 'seq', '#' + item.seq))
  if (item.kind === 'message') {
    const m = item.message
    li.append(el('span', 'who', m.role), el('span', 'time', time(m.createdAt)), el('div', 'content', m.content))
  } else {
    const t = item.toolCall
    li.append(el('span', 'who', 'tool ' + t.toolName), el('span', 'time', time(t.createdAt) + (t.durationMs == null ? '' : ' · ' + Math.round(t.durationMs) + ' ms')))
    const details = el('details')
    details.append(el('summary', '', t.error ? 'error: ' + t.error : 'arguments and result'))
    details.append(el('div', '', 'arguments'), el('pre', 'arguments', pretty(t.arguments)), el('div', '', 'result'), el('pre', 'result', pretty(t.result)))
    li.append(details)
  }
  return li
}

let lastSeq = 0
let firstSeq = 0

async function openSession(id) {
  clearInterval(poll)
  document.getElementById('list-view').hidden = true
  document.getElementById('session-view').hidden = false
  const list = document.getElementById('timeline')
  list.textContent = ''
  const { session, agents } = await api('api/sessions/' + encodeURIComponent(id))
  document.getElementById('session-title').textContent = session.id
  document.getElementById('session-meta').textContent = [session.userId && 'user ' + session.userId, session.agentId && 'agent ' + session.agentId, 'started ' + time(session.createdAt), ...agents.map((a) => a.name + ': ' + a.status)].filter(Boolean).join(' · ')
  loadRuns(id)
  const { items } = await api('api/sessions/' + encodeURIComponent(id) + '/timeline')
  for (const item of items) list.append(renderItem(item))
  lastSeq = items.length ? items[items.length - 1].seq : 0
  firstSeq = items.length ? items[0].seq : 0
  document.getElementById('earlier').hidden = firstSeq <= 1
  poll = setInterval(async () => {
    const { items } = await api('api/sessions/' + encodeURIComponent(id) + '/timeline', { afterSeq: lastSeq })
    for (const item of items) list.append(renderItem(item))
    if (items.length) lastSeq = items[items.length - 1].seq
  }, 1000)
}

document.getElementById('earlier').addEventListener('click', async () => {
  const id = decodeURIComponent(location.hash.slice('#session/'.length))
  const { items } = await api('api/sessions/' + encodeURIComponent(id) + '/timeline', { beforeSeq: firstSeq })
  const list = document.getElementById('timeline')
  list.prepend(...items.map(renderItem))
  if (items.length) firstSeq = items[0].seq
  document.getElementById('earlier').hidden = !items.length || firstSeq <= 1
})
document.getElementById('filters').addEventListener('submit', (e) => {
  e.preventDefault()
  filters = {}
  const user = document.getElementById('filter-user').value.trim()
  const agent = document.getElementById('filter-agent').value.trim()
  if (user) filters.user = user
  if (agent) filters.agent = agent
  searchText = document.getElementById('filter-text').value.trim()
  showSearch(searchText !== '')
  if (searchText) loadHits(true)
  else loadSessions(true)
})
document.getElementById('more-sessions').addEventListener('click', () => loadSessions(false))
document.getElementById('more-hits').addEventListener('click', () => loadHits(false))
function route() {
  if (location.hash.startsWith('#session/')) openSession(decodeURIComponent(location.hash.slice('#session/'.length)))
  else { showList(); if (searchText) loadHits(true); else loadSessions(true) }
}
window.addEventListener('hashchange', route)
route()
`
