import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { PraisonAIDB } from '../../src/index.js'
import { mysqlDialect } from '../../src/stores/mysql/dialect.js'
import { mysqlMigrations } from '../../src/stores/mysql/migrations.js'
import { postgresDialect } from '../../src/stores/postgres/dialect.js'
import { postgresMigrations } from '../../src/stores/postgres/migrations.js'
import { createTable } from '../../src/stores/sql/ddl.js'
import type { DescribedTable, Dialect } from '../../src/stores/sql/dialect.js'
import type { Migration } from '../../src/stores/sql/migrate.js'
import { MESSAGES, SESSIONS, TABLES } from '../../src/stores/sql/tables.js'
import { sqliteDialect } from '../../src/stores/sqlite/dialect.js'
import { sqliteMigrations } from '../../src/stores/sqlite/migrations.js'
import { createTestDatabase, dropTestDatabase, rootUrl, withRoot } from '../mysql/server.js'
import { dropSchemas, PG_URL, withAdmin } from '../postgres/admin.js'
import { expectedTable, mysqlCatalog, postgresCatalog, postgresCanonicalTypes, sqliteCatalog, type Catalog } from './catalog.js'

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3

/**
 * sha256 of each shipped migration's statements (JSON), per engine, rendered for the default
 * schema / no prefix. A shipped migration never changes: a new version gets a new line here.
 */
const SHIPPED: Readonly<Record<string, readonly string[]>> = {
  sqlite: ['96774a15cc86a16aa73d22877f4faa626569666a8f67d0b2e8e11ae5af8acbbd', '47937d5e8165d76cc2824abfd61e1d858a404085e23676109f6e31d6dc13711f', 'fb575fe27ee55d88b2eac494fba37b163a277088366b0a9adfd1a8bf5e7183d4', '72bb11d05291d2f5fab35a668e6b68ae1f8614650d494e15b4657edeb6107d34', '2693908dee99979f2c1b69121bb923a5c07388d0a404de929406eebbfb86021d', '4d0c4c941759d5f2f515f84b121a35266b7b75179c2ebc6014b671d82cf7dd6c'],
  postgres: ['050f685135538664b36622f48da55b6d52c9ee7a7f73c929ef177b9165915659', 'ac0091ceb672f6224ded64f01a8b2e2d2183fb4d347dd5895e3c5b6261cbb202', 'b6b637c9b0690084bd0a65808aa1e0b71cd53892c976f8dc99ab99061e7f7389', '5854bf852add85a6226bebb85c166190b7b3735aa41f5ef04b36d0dd5a50fe1f', 'd125ee6c07426f66088972a0504a9d4a75b7acfeb0a74677e163fa652827f3f9'],
  mysql: ['d590fef5a934fd6336be0815dcbbb5b34f12b3174c2d8fd3a88038b7c560daca', '2e7144f3758617a49c35f732f1ad8a6894a57c80e9351acdad4231d36bc1a038', '68de10604817639c96b93bff7c3786614b12c105f3892b9fdd9d20aefe57066c', '8a41f66ba8cd7a97f6badbe11e4af37359b40e37a5875cb0ce14ba146eeeccca', 'c4e009239a90a10c4d212c33f493a531b0cc0d1b07e2300d3acd9319d9e5b135'],
}

const digest = (migration: Migration): string => createHash('sha256').update(JSON.stringify(migration.statements)).digest('hex')

/** Opens a store on `url` through the public API, which runs every migration, and closes it. */
async function migrate(url: string): Promise<void> {
  await using db = new PraisonAIDB(url)
  assert.equal(await db.getSession('none'), null)
}

/** The described tables as `d` renders them would look in a catalog (`canonical`: the engine's type spelling). */
function expectedCatalog(d: Dialect, tables: readonly DescribedTable[], canonical?: (type: string) => string): Catalog {
  return Object.fromEntries(tables.map((table) => [table.name, expectedTable(d, table, canonical)]))
}

/** The catalog without the migrations' bookkeeping table, which the descriptions leave out. */
function recordTables(catalog: Catalog): Catalog {
  assert.ok(catalog['schema_version'] !== undefined, 'the migrations record their version')
  return Object.fromEntries(Object.entries(catalog).filter(([name]) => name !== 'schema_version'))
}

/**
 * The catalog without the full-text index of message content, which the table descriptions
 * leave out (each engine spells it its own way); asserts that it is there.
 * SQLite: the FTS5 table `messages_search` (and its shadow tables) and its high-water mark
 * `messages_search_state` (migration 6); PostgreSQL: `messages_search_words` with its GIN index and the
 * pending list (migration 4); MySQL: `messages_search_words` with its FULLTEXT index and the
 * pending list (migration 4).
 */
function withoutSearch(engine: string, catalog: Catalog): Catalog {
  const apart = (): Catalog => Object.fromEntries(Object.entries(catalog).filter(([name]) => !name.startsWith('messages_search')))
  if (engine === 'sqlite') {
    assert.ok(catalog['messages_search'] !== undefined, 'migration 3 made the FTS5 index')
    assert.ok(catalog['messages_search_pending'] === undefined, 'migration 6 dropped the pending list')
    assert.ok(catalog['messages_search_state'] !== undefined, 'migration 6 made the high-water mark')
    return apart()
  }
  if (engine === 'postgres') {
    assert.ok(catalog['messages_search_pending'] !== undefined, 'migration 4 made the pending list')
    const words = catalog['messages_search_words']
    assert.ok(words?.indexes.some((i) => i.name === 'messages_search_words_gin'), 'migration 4 made the GIN index of words')
    assert.ok(!catalog['messages']!.indexes.some((i) => i.name === 'messages_search'), "migration 4 dropped migration 3's expression index")
    return apart()
  }
  assert.ok(catalog['messages_search_pending'] !== undefined, 'migration 4 made the pending list')
  const words = catalog['messages_search_words']
  assert.deepEqual(words?.indexes.find((i) => i.name === 'messages_search_words')?.columns, ['content'], 'migration 4 made the FULLTEXT index of words')
  assert.ok(!catalog['messages']!.indexes.some((i) => i.name === 'messages_search'), "migration 4 dropped migration 3's FULLTEXT index")
  return apart()
}

/** Copies of described tables that each differ in one detail: every one must be told apart from the database. */
function alteredTables(): DescribedTable[] {
  const [first, ...rest] = SESSIONS.columns
  return [
    { ...SESSIONS, columns: SESSIONS.columns.map((c) => (c.name === 'name' ? { ...c, nullable: false } : c)) },
    { ...SESSIONS, columns: SESSIONS.columns.map((c) => (c.name === 'created_at' ? { ...c, type: 'integer' as const } : c)) },
    { ...SESSIONS, columns: SESSIONS.columns.map((c) => (c.name === 'last_seq' ? { ...c, default: 1 } : c)) },
    { ...SESSIONS, columns: [...rest, first] },
    { ...SESSIONS, columns: rest },
    { ...SESSIONS, primaryKey: ['id', 'created_at'] },
    { ...SESSIONS, indexes: SESSIONS.indexes.slice(1) },
    { ...SESSIONS, indexes: SESSIONS.indexes.map((i) => ({ ...i, unique: true })) },
    { ...SESSIONS, indexes: SESSIONS.indexes.map((i) => ({ ...i, columns: i.columns.slice(1) })) },
    { ...MESSAGES, columns: MESSAGES.columns.map((c) => (c.type === 'enum' ? { ...c, values: c.values.slice(1) } : c)) },
  ]
}

/** The checks every engine runs: the frozen migrations, the renderer, and that a drift is seen. */
function checkEngine(engine: {
  readonly name: string
  readonly migrations: () => readonly Migration[]
  readonly migrated: () => Promise<{ readonly d: Dialect; readonly catalog: Catalog }>
  readonly rendered: () => Promise<{ readonly d: Dialect; readonly catalog: Catalog }>
  readonly canonical?: () => Promise<(type: string) => string>
}): void {
  describe(`${engine.name} schema`, () => {
    let canonical: ((type: string) => string) | undefined
    let migrated: Promise<{ readonly d: Dialect; readonly catalog: Catalog }> | undefined
    before(async () => { canonical = await engine.canonical?.() })

    it('keeps every shipped migration as it shipped', () => {
      const migrations = engine.migrations()
      assert.deepEqual(migrations.map((m) => m.version), migrations.map((_, i) => i + 1))
      assert.deepEqual(migrations.map(digest), SHIPPED[engine.name], 'a shipped migration changed: add a new one instead (sql/schema.ts)')
    })

    it('migrates a fresh database to exactly the described tables', async () => {
      const { d, catalog } = await (migrated ??= engine.migrated())
      assert.deepEqual(recordTables(withoutSearch(engine.name, catalog)), expectedCatalog(d, TABLES, canonical))
    })

    it('renders tables that match the described ones, as a new migration would create them', async () => {
      const { d, catalog } = await engine.rendered()
      assert.deepEqual(catalog, expectedCatalog(d, TABLES, canonical))
    })

    it('tells a description that drifted from the database apart', async () => {
      const { d, catalog } = await (migrated ??= engine.migrated())
      const actual = recordTables(withoutSearch(engine.name, catalog))
      for (const altered of alteredTables()) {
        const tables = TABLES.map((table) => (table.name === altered.name ? altered : table))
        assert.notDeepEqual(actual, expectedCatalog(d, tables, canonical))
      }
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'agentdb-schema-'))
after(() => rmSync(dir, { recursive: true, force: true }))

checkEngine({
  name: 'sqlite',
  migrations: () => sqliteMigrations(sqliteDialect('')),
  migrated: async () => {
    const path = join(dir, 'migrated.db')
    await migrate(`sqlite:///${path}`)
    return { d: sqliteDialect(''), catalog: sqliteCatalog(path, '') }
  },
  rendered: () => {
    const path = join(dir, 'rendered.db')
    const d = sqliteDialect('r_')
    const db = new Database(path)
    try {
      for (const table of TABLES) for (const statement of createTable(d, table)) db.exec(statement)
    } finally {
      db.close()
    }
    return Promise.resolve({ d, catalog: sqliteCatalog(path, 'r_') })
  },
})

const pgRun = `agentdb_schema_${randomBytes(5).toString('hex')}`
after(() => dropSchemas(`${pgRun}_m`, `${pgRun}_r`))

checkEngine({
  name: 'postgres',
  migrations: () => postgresMigrations(postgresDialect('public')),
  canonical: () => postgresCanonicalTypes(Object.values(postgresDialect('public').ddl.types)),
  migrated: async () => {
    await migrate(`${PG_URL}?schema=${pgRun}_m`)
    return { d: postgresDialect(`${pgRun}_m`), catalog: await postgresCatalog(`${pgRun}_m`) }
  },
  rendered: async () => {
    const d = postgresDialect(`${pgRun}_r`)
    await withAdmin(async (client) => {
      await client.query(`CREATE SCHEMA "${pgRun}_r"`)
      for (const table of TABLES) for (const statement of createTable(d, table)) await client.query(statement)
    })
    return { d, catalog: await postgresCatalog(`${pgRun}_r`) }
  },
})

const mysqlDatabase = await createTestDatabase()
after(() => dropTestDatabase(mysqlDatabase))

checkEngine({
  name: 'mysql',
  migrations: () => mysqlMigrations(mysqlDialect('')),
  migrated: async () => {
    await migrate(`${rootUrl(mysqlDatabase)}?tablePrefix=m_`)
    return { d: mysqlDialect('m_'), catalog: await mysqlCatalog(mysqlDatabase, 'm_') }
  },
  rendered: async () => {
    const d = mysqlDialect('r_')
    await withRoot(async (connection) => {
      for (const table of TABLES) for (const statement of createTable(d, table)) await connection.query(statement)
    }, mysqlDatabase)
    return { d, catalog: await mysqlCatalog(mysqlDatabase, 'r_') }
  },
})
