import { postgresDialect } from '../../src/stores/postgres/dialect.js'
import { postgresMigrations } from '../../src/stores/postgres/migrations.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { sqliteMigrations } from '../../src/stores/sqlite/migrations.js'

/** The schema version a new SQLite file gets: its latest migration. */
export const SQLITE_SCHEMA_VERSION = sqliteMigrations(sqliteDialect('')).length

/** The schema version a new PostgreSQL schema gets. */
export const POSTGRES_SCHEMA_VERSION = postgresMigrations(postgresDialect('public')).length
