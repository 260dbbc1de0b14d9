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
      <input id="filter-user" placeholder="user id">
      <input id="filter-agent" placeholder="agent id">
      <button type="submit">Filter</button>
    </form>
    <table id="sessions"><thead><tr><th>Session</th><th>User</th><th>Agent</th><th>Started</th><th>Last active</th></tr></thead><tbody></tbody></table>
    <button id="more-sessions" hidden>More sessions</button>
  </section>
  <section id="session-view" hidden>
    <h1 id="session-title"></h1>
    <p id="session-meta"></p>
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
  loadSessions(true)
})
document.getElementById('more-sessions').addEventListener('click', () => loadSessions(false))
function route() {
  if (location.hash.startsWith('#session/')) openSession(decodeURIComponent(location.hash.slice('#session/'.length)))
  else { showList(); loadSessions(true) }
}
window.addEventListener('hashchange', route)
route()
`
