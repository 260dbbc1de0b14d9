import type { Dialect } from '../sql/dialect.js'
import { createTable } from '../sql/ddl.js'
import type { Migration } from '../sql/migrate.js'
import { RUNS, SESSION_KEYS, SPANS, TRACES } from '../sql/tables.js'

/**
 * SQLite schema, oldest first. Add a migration; never edit one that has shipped
 * (test/sql/schema.test.ts pins their text and checks the result against `sql/tables.ts`).
 * Migration 1 is literal SQL; a later one renders a table it introduces with `createTable`
 * (the rules are in `sql/schema.ts`).
 */
export function sqliteMigrations(d: Dialect): readonly Migration[] {
  const t = d.table.bind(d)
  const i = d.index.bind(d)
  return [{
    version: 1,
    statements: [
      `CREATE TABLE ${t('sessions')} (
        id TEXT NOT NULL PRIMARY KEY, user_id TEXT, agent_id TEXT, name TEXT, metadata TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, ended_at TEXT, last_seq INTEGER NOT NULL DEFAULT 0)`,
      `CREATE INDEX ${i('sessions_created')} ON ${t('sessions')} (created_at, id)`,
      `CREATE INDEX ${i('sessions_user')} ON ${t('sessions')} (user_id, created_at, id)`,
      `CREATE INDEX ${i('sessions_agent')} ON ${t('sessions')} (agent_id, created_at, id)`,
      `CREATE TABLE ${t('messages')} (
        id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
        content TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL, run_id TEXT)`,
      `CREATE UNIQUE INDEX ${i('messages_session_seq')} ON ${t('messages')} (session_id, seq)`,
      `CREATE TABLE ${t('tool_calls')} (
        id TEXT NOT NULL PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, tool_name TEXT NOT NULL,
        arguments TEXT NOT NULL, result TEXT NOT NULL, error TEXT, duration_ms REAL, metadata TEXT NOT NULL,
        created_at TEXT NOT NULL, run_id TEXT)`,
      `CREATE UNIQUE INDEX ${i('tool_calls_session_seq')} ON ${t('tool_calls')} (session_id, seq)`,
      `CREATE TABLE ${t('agent_states')} (
        session_id TEXT NOT NULL, name TEXT NOT NULL, agent_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('started', 'ended')), started_at TEXT NOT NULL, ended_at TEXT,
        metadata TEXT NOT NULL, PRIMARY KEY (session_id, name, agent_id))`,
    ],
  }, {
    // Records the model can resume from (issue 10): runs, traces and spans; an assistant
    // turn's tool calls and the provider's tool call id. A v1 file upgrades in place.
    version: 2,
    statements: [
      ...createTable(d, RUNS),
      ...createTable(d, TRACES),
      ...createTable(d, SPANS),
      `ALTER TABLE ${t('messages')} ADD COLUMN tool_calls TEXT`,
      `ALTER TABLE ${t('tool_calls')} ADD COLUMN tool_call_id TEXT`,
    ],
  }, {
    // Full-text search over message content (issue 11): an FTS5 index whose content is the
    // messages table itself (rows by rowid), kept by triggers, filled from the existing rows.
    version: 3,
    statements: [
      `CREATE VIRTUAL TABLE ${t('messages_search')} USING fts5(content, content=${t('messages')}, content_rowid='rowid')`,
      `CREATE TRIGGER ${i('messages_search_insert')} AFTER INSERT ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search')} (rowid, content) VALUES (new.rowid, new.content); END`,
      `CREATE TRIGGER ${i('messages_search_delete')} AFTER DELETE ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) VALUES ('delete', old.rowid, old.content); END`,
      `CREATE TRIGGER ${i('messages_search_update')} AFTER UPDATE OF content ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO ${t('messages_search')} (rowid, content) VALUES (new.rowid, new.content); END`,
      `INSERT INTO ${t('messages_search')} (${t('messages_search')}) VALUES ('rebuild')`,
    ],
  }, {
    // The search index kept off the write path (issue 9): an insert records its rowid in
    // `messages_search_pending` (one small b-tree insert) instead of tokenizing the content,
    // which cost more than the rest of the write; the pending rows are indexed when the
    // connection is idle and before every search (stores/sqlite/search-index.ts). A delete or
    // content update touches the index only for a row already in it.
    version: 4,
    statements: [
      `CREATE TABLE ${t('messages_search_pending')} (message_rowid INTEGER NOT NULL PRIMARY KEY)`,
      `DROP TRIGGER ${i('messages_search_insert')}`,
      `DROP TRIGGER ${i('messages_search_delete')}`,
      `DROP TRIGGER ${i('messages_search_update')}`,
      `CREATE TRIGGER ${i('messages_search_insert')} AFTER INSERT ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search_pending')} (message_rowid) VALUES (new.rowid); END`,
      `CREATE TRIGGER ${i('messages_search_delete')} AFTER DELETE ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) SELECT 'delete', old.rowid, old.content
          WHERE NOT EXISTS (SELECT 1 FROM ${t('messages_search_pending')} WHERE message_rowid = old.rowid);
        DELETE FROM ${t('messages_search_pending')} WHERE message_rowid = old.rowid; END`,
      `CREATE TRIGGER ${i('messages_search_update')} AFTER UPDATE OF content ON ${t('messages')}
        WHEN NOT EXISTS (SELECT 1 FROM ${t('messages_search_pending')} WHERE message_rowid = old.rowid) BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO ${t('messages_search')} (rowid, content) VALUES (new.rowid, new.content); END`,
    ],
  }, {
    // Per-session keys with compare-and-set (issue 13: an AI SDK chat's active stream id).
    version: 5,
    statements: createTable(d, SESSION_KEYS),
  }, {
    // The pending list becomes a high-water mark (issue 9): a message is indexed for search
    // exactly when its rowid is at most `indexed_to`, so an insert writes nothing for search
    // (its pending row cost about 1 µs and a page per commit). A new rowid is always above
    // the mark: SQLite gives the greatest rowid + 1, and a delete lowers the mark to the
    // greatest rowid left when it removed the rows at the top. What was pending is indexed here.
    version: 6,
    statements: [
      `INSERT INTO ${t('messages_search')} (rowid, content)
        SELECT m.rowid, m.content FROM ${t('messages')} m WHERE m.rowid IN (SELECT message_rowid FROM ${t('messages_search_pending')})`,
      `DROP TRIGGER ${i('messages_search_insert')}`,
      `DROP TRIGGER ${i('messages_search_delete')}`,
      `DROP TRIGGER ${i('messages_search_update')}`,
      `DROP TABLE ${t('messages_search_pending')}`,
      `CREATE TABLE ${t('messages_search_state')} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), indexed_to INTEGER NOT NULL)`,
      `INSERT INTO ${t('messages_search_state')} (id, indexed_to) SELECT 1, COALESCE(MAX(rowid), 0) FROM ${t('messages')}`,
      `CREATE TRIGGER ${i('messages_search_delete')} AFTER DELETE ON ${t('messages')} BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) SELECT 'delete', old.rowid, old.content
          WHERE old.rowid <= (SELECT indexed_to FROM ${t('messages_search_state')});
        UPDATE ${t('messages_search_state')} SET indexed_to = (SELECT COALESCE(MAX(rowid), 0) FROM ${t('messages')})
          WHERE indexed_to > (SELECT COALESCE(MAX(rowid), 0) FROM ${t('messages')}); END`,
      `CREATE TRIGGER ${i('messages_search_update')} AFTER UPDATE OF content ON ${t('messages')}
        WHEN old.rowid <= (SELECT indexed_to FROM ${t('messages_search_state')}) BEGIN
        INSERT INTO ${t('messages_search')} (${t('messages_search')}, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO ${t('messages_search')} (rowid, content) VALUES (new.rowid, new.content); END`,
    ],
  }]
}
