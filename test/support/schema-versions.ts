import { mysqlDialect } from '../../src/stores/mysql/dialect.js'
import { mysqlMigrations } from '../../src/stores/mysql/migrations.js'
import { postgresDialect } from '../../src/stores/postgres/dialect.js'
import { postgresMigrations } from '../../src/stores/postgres/migrations.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { sqliteMigrations } from '../../src/stores/sqlite/migrations.js'

/** The schema version a new SQLite file gets: its latest migration. */
export const SQLITE_SCHEMA_VERSION = sqliteMigrations(sqliteDialect('')).length

/** The schema version a new PostgreSQL schema gets. */
export const POSTGRES_SCHEMA_VERSION = postgresMigrations(postgresDialect('public')).length

/** The schema version a new MySQL/MariaDB database gets. */
export const MYSQL_SCHEMA_VERSION = mysqlMigrations(mysqlDialect('')).length
