import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { inspect } from 'node:util'
import { ConfigError, PraisonAIDB, StoreError } from '../../src/index.js'
import { connectionIds, createTestDatabase, dropTestDatabase, queryRows, rootUrl } from './server.js'
import { MYSQL_SCHEMA_VERSION } from '../support/schema-versions.js'

describe('MySQL store', () => {
  let database = ''
  let url = ''
  before(async () => {
    database = await createTestDatabase()
    url = rootUrl(database)
  })
  after(() => dropTestDatabase(database))

  it('creates prefixed tables with binary keys, the (session_id, seq) unique indexes and the session listing indexes', async () => {
    {
      await using db = new PraisonAIDB(url)
      await db.aonUserMessage('s', 'x')
    }
    const tables = await queryRows('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database])
    assert.deepEqual(tables.map((r) => r['t']), [
      'agentdb_agent_states', 'agentdb_messages', 'agentdb_messages_search_pending', 'agentdb_messages_search_words', 'agentdb_runs', 'agentdb_schema_version',
      'agentdb_sessions', 'agentdb_session_keys', 'agentdb_spans', 'agentdb_tool_calls', 'agentdb_traces',
    ])
    const indexes = await queryRows(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND INDEX_NAME <> 'PRIMARY' GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE ORDER BY t, i`, [database])
    assert.deepEqual(indexes.map((r) => [r['t'], r['i'], Number(r['nu']), r['cols']]), [
      ['agentdb_messages', 'messages_session_seq', 0, 'session_id,seq'],
      ['agentdb_messages_search_words', 'messages_search_words', 1, 'content'],
      ['agentdb_runs', 'runs_session', 1, 'session_id,started_at,id'],
      ['agentdb_sessions', 'sessions_agent', 1, 'agent_id,created_at,id'],
      ['agentdb_sessions', 'sessions_created', 1, 'created_at,id'],
      ['agentdb_sessions', 'sessions_user', 1, 'user_id,created_at,id'],
      ['agentdb_spans', 'spans_session_trace', 1, 'session_id,trace_id,started_at,id'],
      ['agentdb_tool_calls', 'tool_calls_session_seq', 0, 'session_id,seq'],
      ['agentdb_traces', 'traces_created', 1, 'started_at,id'],
      ['agentdb_traces', 'traces_session', 1, 'session_id,started_at,id'],
      ['agentdb_traces', 'traces_user', 1, 'user_id,started_at,id'],
    ])
    const id = await queryRows("SELECT DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'agentdb_sessions' AND COLUMN_NAME = 'id'", [database])
    assert.equal(id[0]?.['type'], 'varbinary')
    assert.deepEqual((await queryRows('SELECT version FROM agentdb_schema_version ORDER BY version', [], database)).map((r) => r['version']), Array.from({ length: MYSQL_SCHEMA_VERSION }, (_, i) => i + 1))
  })

  it('migrates once when several instances open one database at the same time', async () => {
    const dbs = Array.from({ length: 6 }, () => new PraisonAIDB(`${url}?tablePrefix=race_`))
    try {
      await Promise.all(dbs.map((db, i) => db.aonUserMessage('race', `${i}`)))
      assert.deepEqual((await dbs[0]!.getMessages('race')).map((m) => m.seq), [1, 2, 3, 4, 5, 6])
    } finally {
      await Promise.all(dbs.map((db) => db.aclose()))
    }
    assert.deepEqual(await queryRows('SELECT COUNT(*) AS n FROM race_schema_version', [], database).then((r) => Number(r[0]?.['n'])), MYSQL_SCHEMA_VERSION, 'each migration recorded once')
  })

  it('keeps session ids apart that differ only in case or trailing spaces', async () => {
    await using db = new PraisonAIDB(url)
    const ids = ['Case', 'case', 'case ', 'case  ', 'cäse', 'case\u0000']
    for (const id of ids) await db.aonUserMessage(id, `in ${JSON.stringify(id)}`, { id })
    for (const id of ids) {
      const messages = await db.getMessages(id)
      assert.deepEqual(messages.map((m) => [m.content, m.seq, m.sessionId]), [[`in ${JSON.stringify(id)}`, 1, id]])
      assert.equal((await db.getSession(id))?.id, id)
    }
    await db.aonAgentStart({ sessionId: 'Case', name: 'A', agentId: 'X', userId: 'User' })
    await db.aonAgentStart({ sessionId: 'case', name: 'A', agentId: 'x', userId: 'user ' })
    assert.deepEqual((await db.listSessions({ agentId: 'X' })).items.map((s) => s.id), ['Case'])
    assert.deepEqual((await db.listSessions({ userId: 'user ' })).items.map((s) => s.id), ['case'])
    assert.deepEqual((await db.listSessions({ userId: 'user' })).items, [])
  })

  it('round-trips timestamps in UTC with milliseconds and tool call numbers as numbers', async () => {
    await using db = new PraisonAIDB(url)
    await db.aonToolCall({ sessionId: 'types', toolName: 'slow', arguments: { n: 2 ** 53 - 1 }, result: 1.25e300, durationMs: 12.75, error: 'timed out \u0000' })
    const [call] = await db.getToolCalls('types')
    assert.equal(call?.durationMs, 12.75)
    assert.equal(call?.error, 'timed out \u0000')
    assert.equal(call?.result, 1.25e300)
    assert.deepEqual(call?.arguments, { n: 2 ** 53 - 1 })
    assert.match(call!.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const [row] = await queryRows("SELECT created_at AS at FROM agentdb_tool_calls WHERE session_id = 'types'", [], database)
    assert.equal(`${String(row?.['at']).replace(' ', 'T')}Z`, call!.createdAt, 'stored as UTC whatever the time zone')
    assert.ok(Math.abs(Date.parse(call!.createdAt) - Date.now()) < 60_000)
  })

  // A refused statement is not retried whatever the deadline; the deadline only bounds the open,
  // whose migration may take more than a second on a loaded server.
  it('fails loudly, without the statement or its values, rather than skip a message whose seq is taken', async () => {
    await using db = new PraisonAIDB(`${url}?tablePrefix=clash_`, { retryDeadlineMs: 10_000 })
    await db.aonUserMessage('c', 'first')
    await queryRows("INSERT INTO clash_messages (id, session_id, seq, role, content, metadata, created_at) VALUES ('intruder', 'c', 2, 'user', 'x', '{}', NOW(3))", [], database)
    const error: unknown = await db.aonUserMessage('c', 'private words').then(() => null, (e: unknown) => e)
    assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED', inspect(error))
    assert.match(error.message, new RegExp(`MySQL database "${database}" at 127\\.0\\.0\\.1:3306 refused`))
    assert.doesNotMatch(inspect(error, { depth: 10 }), /private words|INSERT/)
    assert.deepEqual((await db.getMessages('c')).map((m) => m.content), ['first', 'x'])
    const [session] = await queryRows("SELECT last_seq FROM clash_sessions WHERE id = 'c'", [], database)
    assert.equal(Number(session?.['last_seq']), 1, 'the failed batch was rolled back')
  })

  it('rolls back a batch whose INSERT failed in the packet carrying its COMMIT before the connection is used again', async () => {
    await using db = new PraisonAIDB(`${url}?tablePrefix=reuse_&poolSize=1`, { retryDeadlineMs: 10_000 })
    await db.aonUserMessage('c', 'first')
    await queryRows("INSERT INTO reuse_messages (id, session_id, seq, role, content, metadata, created_at) VALUES ('intruder', 'c', 2, 'user', 'x', '{}', NOW(3))", [], database)
    const error: unknown = await db.aonUserMessage('c', 'clash').then(() => null, (e: unknown) => e)
    assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED', inspect(error))
    // The pool's only connection again: its START TRANSACTION would commit a transaction left open.
    await db.aonUserMessage('d', 'next')
    const sessions = await queryRows('SELECT id, last_seq FROM reuse_sessions ORDER BY id', [], database)
    assert.deepEqual(sessions.map((r) => [String(r['id']), Number(r['last_seq'])]), [['c', 1], ['d', 1]])
  })

  it('sends statements that would pass max_allowed_packet together in packets of their own', async () => {
    const limit = Number((await queryRows('SELECT @@max_allowed_packet AS max'))[0]?.['max'])
    await using db = new PraisonAIDB(`${url}?tablePrefix=split_&poolSize=1`, { retryDeadlineMs: 2000 })
    await db.aonUserMessage('warm', 'up')
    const opened = await connectionIds(database)
    // Each INSERT fits, a message's and a tool call's in one packet would not. Sent together,
    // the server would refuse the packet and drop the connection (the write queue would then
    // retry the writes one by one, on a new connection).
    const big = 'b'.repeat(Math.floor(limit * 0.55))
    for (let i = 0; i < 2; i++) {
      await Promise.all([db.aonUserMessage('split', `${i}${big}`), db.aonToolCall({ sessionId: 'split', toolName: 'echo', arguments: { big: `${i}${big}` } })])
    }
    const now = await connectionIds(database)
    assert.ok(now.every((id) => opened.includes(id)), `the pool's connection was kept: ${JSON.stringify(opened)} then ${JSON.stringify(now)}`)
    const text = (value: unknown): string => (typeof value === 'string' ? `${value.slice(0, 1)} of ${value.length}` : typeof value)
    const timeline = (await db.getTimeline('split')).map((item) => item.kind === 'message' ? [item.seq, text(item.message.content)] : [item.seq, text(item.toolCall.arguments['big'])])
    const length = big.length + 1
    assert.deepEqual(timeline, [[1, `0 of ${length}`], [2, `0 of ${length}`], [3, `1 of ${length}`], [4, `1 of ${length}`]])
  })

  it('splits a batch past max_allowed_packet, and refuses a single statement past it as a StoreError', async (t) => {
    const limit = Number((await queryRows('SELECT @@max_allowed_packet AS max'))[0]?.['max'])
    await using db = new PraisonAIDB(`${url}?tablePrefix=packet_`, { retryDeadlineMs: 2000 })
    const mib = 'm'.repeat(1024 * 1024)
    const count = Math.ceil(limit / mib.length) + 4
    await Promise.all(Array.from({ length: count }, (_, i) => db.aonUserMessage('packets', `${i}${mib}`)))
    assert.deepEqual((await db.getMessages('packets')).map((m) => [m.content.length, m.seq]), Array.from({ length: count }, (_, i) => [`${i}`.length + mib.length, i + 1]))
    const huge = '🧠'.repeat(Math.ceil(limit / 4) + 1) // each 4 bytes of UTF-8, 2 UTF-16 code units
    if (huge.length > 16 * 1024 * 1024) {
      t.skip(`max_allowed_packet is ${limit}: larger than any message`)
      return
    }
    const error: unknown = await db.aonUserMessage('packets', huge).then(() => null, (e: unknown) => e)
    assert.ok(error instanceof StoreError && error.code === 'STORE_FAILED' && /max_allowed_packet/.test(error.message), inspect(error))
  })

  it('takes its options from the URL or the options object, and rejects bad ones', async () => {
    const bad: [string, object][] = [
      [`${url}?tablePrefix=bad-prefix`, {}],
      [url, { tablePrefix: 'x; DROP TABLE y' }],
      [`${url}?poolSize=0`, {}],
      [url, { poolSize: 'many' }],
      [`${url}?ssl=maybe`, {}],
      [`${url}?connectTimeoutMs=-1`, {}],
      [`${url}?poolsize=3`, {}],
    ]
    for (const [target, options] of bad) {
      assert.throws(() => new PraisonAIDB(target, options), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID', `${target} ${JSON.stringify(options)}`)
    }
    assert.throws(() => new PraisonAIDB('mysql://root@127.0.0.1:3306'), (e: unknown) => e instanceof ConfigError && e.code === 'URL_INVALID' && /names no database/.test(e.message))
    await using db = new PraisonAIDB(`mariadb://root@127.0.0.1/${database}?poolSize=2&connectTimeoutMs=5000`, { tablePrefix: 'opt_' })
    assert.equal(db.target, `mariadb://root@127.0.0.1:3306/${database}?tablePrefix=opt_`)
    await db.aonUserMessage('s', 'through mariadb://')
    assert.deepEqual((await queryRows('SELECT content FROM opt_messages', [], database)).map((r) => r['content']), ['through mariadb://'])
    await using none = new PraisonAIDB(url, { tablePrefix: '' })
    await none.aonUserMessage('s', 'no prefix')
    assert.deepEqual((await queryRows('SELECT content FROM messages', [], database)).map((r) => r['content']), ['no prefix'])
  })

  it('refuses ssl against a server without TLS with a ConfigError', async () => {
    await using db = new PraisonAIDB(`${url}?ssl=true`, { retryDeadlineMs: 0 })
    await assert.rejects(db.aonUserMessage('s', 'x'), (e: unknown) => e instanceof ConfigError && e.code === 'OPTION_INVALID' && /TLS/.test(e.message))
  })
})
