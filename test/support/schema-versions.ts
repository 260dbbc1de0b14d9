import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { sqliteMigrations } from '../../src/stores/sqlite/migrations.js'

/** The schema version a new SQLite file gets: its latest migration. */
export const SQLITE_SCHEMA_VERSION = sqliteMigrations(sqliteDialect('')).length
