import type { Dialect } from './dialect.js'
import type { SqlPlan } from './plans.js'

/** One forward step of a store's schema. Versions start at 1 and only grow. */
export interface Migration {
  readonly version: number
  readonly statements: readonly string[]
}

/**
 * Brings the schema up to the newest migration, recording each applied version. The caller
 * runs it under the engine's lock (a transaction, an advisory lock, GET_LOCK) so that two
 * processes opening one database together migrate once. Resolves to the resulting version.
 */
export function* migratePlan(d: Dialect, migrations: readonly Migration[], appliedAt: string): SqlPlan<number> {
  const table = d.table('schema_version')
  yield { sql: `CREATE TABLE IF NOT EXISTS ${table} (version INTEGER NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)`, params: [] }
  const { rows } = yield { sql: `SELECT MAX(version) AS version FROM ${table}`, params: [] }
  let current = Number(rows[0]?.['version'] ?? 0)
  for (const migration of migrations) {
    if (migration.version <= current) continue
    for (const statement of migration.statements) yield { sql: statement, params: [] }
    yield { sql: `INSERT INTO ${table} (version, applied_at) VALUES (${d.placeholder(1)}, ${d.placeholder(2)})`, params: [migration.version, appliedAt] }
    current = migration.version
  }
  return current
}
