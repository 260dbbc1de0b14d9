import { createTable } from '../sql/ddl.js'
import type { Dialect } from '../sql/dialect.js'
import { migratePlan, type Migration } from '../sql/migrate.js'
import type { SqlPlan } from '../sql/plans.js'
import { RUNS, SESSION_KEYS, SPANS, TRACES } from '../sql/tables.js'
import { quoteIdentifier } from './dialect.js'

/** First key of agentdb's advisory locks ("agdb"); the second is the schema name's hash. */
const LOCK_CLASS = 0x61676462

/**
 * PostgreSQL schema, oldest first. Add a migration; never edit one that has shipped
 * (test/sql/schema.test.ts pins their text and checks the result against `sql/tables.ts`).
 * Migration 1 is literal SQL; a later one renders a table it introduces with `createTable`
 * (the rules are in `sql/schema.ts`).
 * Keys compare byte-wise (`COLLATE "C"`): ordering does not depend on the server's locale,
 * and the listing cursor `(created_at, id)` matches the index order.
 */
export function postgresMigrations(d: Dialect): readonly Migration[] {
  const t = d.table.bind(d)
  const i = d.index.bind(d)
  const key = 'TEXT COLLATE "C"'
  return [{
    version: 1,
    statements: [
      `CREATE TABLE ${t('sessions')} (
        id ${key} NOT NULL PRIMARY KEY, user_id ${key}, agent_id ${key}, name TEXT, metadata JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ,
        last_seq BIGINT NOT NULL DEFAULT 0)`,
      `CREATE INDEX ${i('sessions_created')} ON ${t('sessions')} (created_at, id)`,
      `CREATE INDEX ${i('sessions_user')} ON ${t('sessions')} (user_id, created_at, id)`,
      `CREATE INDEX ${i('sessions_agent')} ON ${t('sessions')} (agent_id, created_at, id)`,
      `CREATE TABLE ${t('messages')} (
        id ${key} NOT NULL PRIMARY KEY, session_id ${key} NOT NULL, seq BIGINT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
        content TEXT NOT NULL, metadata JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL, run_id TEXT)`,
      `CREATE UNIQUE INDEX ${i('messages_session_seq')} ON ${t('messages')} (session_id, seq)`,
      `CREATE TABLE ${t('tool_calls')} (
        id ${key} NOT NULL PRIMARY KEY, session_id ${key} NOT NULL, seq BIGINT NOT NULL, tool_name TEXT NOT NULL,
        arguments JSONB NOT NULL, result JSONB NOT NULL, error TEXT, duration_ms DOUBLE PRECISION,
        metadata JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL, run_id TEXT)`,
      `CREATE UNIQUE INDEX ${i('tool_calls_session_seq')} ON ${t('tool_calls')} (session_id, seq)`,
      `CREATE TABLE ${t('agent_states')} (
        session_id ${key} NOT NULL, name ${key} NOT NULL, agent_id ${key} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('started', 'ended')), started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ, metadata JSONB NOT NULL, PRIMARY KEY (session_id, name, agent_id))`,
    ],
  }, {
    // Records the model can resume from (issue 10): runs, traces and spans; an assistant
    // turn's tool calls and the provider's tool call id. Runs in one transaction with the
    // version row, so a v1 schema upgrades in place, all or nothing.
    version: 2,
    statements: [
      ...createTable(d, RUNS),
      ...createTable(d, TRACES),
      ...createTable(d, SPANS),
      `ALTER TABLE ${t('messages')} ADD COLUMN tool_calls JSONB`,
      `ALTER TABLE ${t('tool_calls')} ADD COLUMN tool_call_id TEXT`,
    ],
  }, {
    // Full-text search over message content (issue 11): a GIN index on the very expression
    // searchMessages matches (the dialect's SEARCH_VECTOR), built from the existing rows.
    version: 3,
    statements: [
      `CREATE INDEX ${i('messages_search')} ON ${t('messages')} USING GIN (to_tsvector('simple'::regconfig, content))`,
    ],
  }, {
    // Per-session keys with compare-and-set (issue 13: an AI SDK chat's active stream id).
    version: 4,
    statements: createTable(d, SESSION_KEYS),
  }]
}

/**
 * Creates the schema if absent and migrates it, for one transaction. The transaction-scoped
 * advisory lock makes processes that open one schema together take turns: the first
 * migrates, the others find it done. The schema is looked up before `CREATE SCHEMA`, which
 * a role without CREATE on the database may not run even when the schema exists.
 */
export function* preparePlan(d: Dialect, schema: string, appliedAt: string): SqlPlan<number> {
  yield { sql: 'SELECT pg_advisory_xact_lock($1, hashtext($2))', params: [LOCK_CLASS, schema] }
  const { rows } = yield { sql: 'SELECT 1 FROM pg_namespace WHERE nspname = $1', params: [schema] }
  if (rows.length === 0) yield { sql: `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`, params: [] }
  return yield* migratePlan(d, postgresMigrations(d), appliedAt)
}
