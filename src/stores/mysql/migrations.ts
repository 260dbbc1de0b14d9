import type { Dialect } from '../sql/dialect.js'
import { createTable } from '../sql/ddl.js'
import type { Migration } from '../sql/migrate.js'
import { RUNS, SESSION_KEYS, SPANS, TRACES } from '../sql/tables.js'

// The types of migration 1 (why keys are VARBINARY: see the dialect's COLUMN_TYPES, which new
// tables are rendered with). Frozen with it: never edit.
const KEY = 'VARBINARY(765)'
const TEXT = 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
const SHORT = 'VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
const TIME = 'DATETIME(3)'
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'

/**
 * `ALTER TABLE … ADD COLUMN` that may run again: MySQL 8 has no `ADD COLUMN IF NOT EXISTS`
 * (MariaDB has), so the statement is prepared only when information_schema lacks the column.
 * A migration cut short between its statements is then completed by the next open.
 */
function addColumn(d: Dialect, table: 'messages' | 'tool_calls', column: string, type: string): string[] {
  const quoted = d.table(table)
  const bare = quoted.slice(1, -1)
  const alter = `ALTER TABLE ${quoted} ADD COLUMN ${column} ${type}`
  return [
    `SET @agentdb_ddl = IF(EXISTS(SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${bare}' AND COLUMN_NAME = '${column}'), 'DO 0', '${alter}')`,
    'PREPARE agentdb_ddl FROM @agentdb_ddl',
    'EXECUTE agentdb_ddl',
    'DEALLOCATE PREPARE agentdb_ddl',
  ]
}

/**
 * A DDL statement run only when information_schema lists the index (`when: 'present'`) or not
 * (`'absent'`): re-runnable, so a migration cut short is completed by the next open.
 */
function ifIndex(d: Dialect, table: 'messages', index: string, when: 'present' | 'absent', ddl: string): string[] {
  const bare = d.table(table).slice(1, -1)
  const [ifFound, ifMissing] = when === 'present' ? [`'${ddl}'`, "'DO 0'"] : ["'DO 0'", `'${ddl}'`]
  return [
    `SET @agentdb_ddl = IF(EXISTS(SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${bare}' AND INDEX_NAME = '${index}'), ${ifFound}, ${ifMissing})`,
    'PREPARE agentdb_ddl FROM @agentdb_ddl',
    'EXECUTE agentdb_ddl',
    'DEALLOCATE PREPARE agentdb_ddl',
  ]
}

/** The name of an object MySQL names per database, not per table (a trigger): it takes the table prefix, as tables do. */
const perDatabase = (d: Dialect, name: string): string => d.table('messages').replace(/messages`$/, `${name}\``)

/**
 * MySQL/MariaDB schema, oldest first. Add a migration; never edit one that has shipped
 * (test/sql/schema.test.ts pins their text and checks the result against `sql/tables.ts`).
 * Migration 1 is literal SQL; a later one renders a table it introduces with `createTable`
 * (the rules are in `sql/schema.ts`).
 * MySQL commits each DDL statement on its own, so statements are written to be re-runnable
 * (`IF NOT EXISTS`, indexes inside `CREATE TABLE`): a process killed halfway through a
 * migration leaves a schema the next open completes.
 */
export function mysqlMigrations(d: Dialect): readonly Migration[] {
  const t = d.table.bind(d)
  const i = d.index.bind(d)
  return [{
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${t('sessions')} (
        id ${KEY} NOT NULL, user_id ${KEY} NULL, agent_id ${KEY} NULL, name ${SHORT} NULL, metadata ${TEXT} NOT NULL,
        created_at ${TIME} NOT NULL, updated_at ${TIME} NOT NULL, ended_at ${TIME} NULL, last_seq BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (id),
        KEY ${i('sessions_created')} (created_at, id),
        KEY ${i('sessions_user')} (user_id, created_at, id),
        KEY ${i('sessions_agent')} (agent_id, created_at, id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t('messages')} (
        id ${KEY} NOT NULL, session_id ${KEY} NOT NULL, seq BIGINT NOT NULL,
        role VARCHAR(16) NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
        content ${TEXT} NOT NULL, metadata ${TEXT} NOT NULL, created_at ${TIME} NOT NULL, run_id ${SHORT} NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ${i('messages_session_seq')} (session_id, seq)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t('tool_calls')} (
        id ${KEY} NOT NULL, session_id ${KEY} NOT NULL, seq BIGINT NOT NULL, tool_name ${SHORT} NOT NULL,
        arguments ${TEXT} NOT NULL, result ${TEXT} NOT NULL, error ${TEXT} NULL, duration_ms DOUBLE NULL,
        metadata ${TEXT} NOT NULL, created_at ${TIME} NOT NULL, run_id ${SHORT} NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ${i('tool_calls_session_seq')} (session_id, seq)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t('agent_states')} (
        session_id ${KEY} NOT NULL, name ${KEY} NOT NULL, agent_id ${KEY} NOT NULL,
        status VARCHAR(16) NOT NULL CHECK (status IN ('started', 'ended')), started_at ${TIME} NOT NULL, ended_at ${TIME} NULL,
        metadata ${TEXT} NOT NULL,
        PRIMARY KEY (session_id, name, agent_id)
      ) ${TABLE_OPTIONS}`,
    ],
  }, {
    // Records the model can resume from (issue 10): runs, traces and spans; an assistant
    // turn's tool calls and the provider's tool call id. Every statement may run again.
    version: 2,
    statements: [
      ...createTable(d, RUNS),
      ...createTable(d, TRACES),
      ...createTable(d, SPANS),
      ...addColumn(d, 'messages', 'tool_calls', `${TEXT} NULL`),
      ...addColumn(d, 'tool_calls', 'tool_call_id', `${SHORT} NULL`),
    ],
  }, {
    // Full-text search over message content (issue 11): an InnoDB FULLTEXT index, built from
    // the existing rows; created only when absent, so the statement may run again.
    version: 3,
    statements: ifIndex(d, 'messages', 'messages_search', 'absent', `ALTER TABLE ${t('messages')} ADD FULLTEXT INDEX ${i('messages_search')} (content)`),
  }, {
    // The search index off the write path (issue 9): InnoDB's FULLTEXT index about doubled
    // the cost of an insert. A trigger now lists each new message as pending; its content is
    // copied to `messages_search_words` (FULLTEXT, case-insensitive collation, so a search
    // matches any case as on the other engines) when the pool is idle and before every
    // search (search-index.ts). A deleted message takes its words and pending row with it.
    // The trigger exists before the copy of the existing rows, so no message is missed.
    // Triggers are named per database, not per table: their names take the table prefix.
    version: 4,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${t('messages_search_pending')} (message_id ${KEY} NOT NULL, PRIMARY KEY (message_id)) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t('messages_search_words')} (
        message_id ${KEY} NOT NULL, content LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
        PRIMARY KEY (message_id), FULLTEXT INDEX ${i('messages_search_words')} (content)) ${TABLE_OPTIONS}`,
      `CREATE TRIGGER IF NOT EXISTS ${perDatabase(d, 'messages_search_enqueue')} AFTER INSERT ON ${t('messages')} FOR EACH ROW
        INSERT IGNORE INTO ${t('messages_search_pending')} (message_id) VALUES (NEW.id)`,
      `CREATE TRIGGER IF NOT EXISTS ${perDatabase(d, 'messages_search_forget')} AFTER DELETE ON ${t('messages')} FOR EACH ROW BEGIN
        DELETE FROM ${t('messages_search_words')} WHERE message_id = OLD.id;
        DELETE FROM ${t('messages_search_pending')} WHERE message_id = OLD.id;
      END`,
      `INSERT IGNORE INTO ${t('messages_search_words')} (message_id, content) SELECT id, content FROM ${t('messages')}`,
      ...ifIndex(d, 'messages', 'messages_search', 'present', `ALTER TABLE ${t('messages')} DROP INDEX ${i('messages_search')}`),
    ],
  }, {
    // Per-session keys with compare-and-set (issue 13: an AI SDK chat's active stream id);
    // CREATE TABLE IF NOT EXISTS may run again.
    version: 5,
    statements: createTable(d, SESSION_KEYS),
  }]
}
