import type { JsonValue } from '../../core/records.js'
import type { Dialect, TableName } from '../sql/dialect.js'
import { columnList, type LogicalType } from '../sql/schema.js'

// Parsing and printing a date takes about a microsecond, and a write batch binds hundreds of
// timestamps that are mostly the same few (`now()` moves once a millisecond): recent ones are kept.
const MAX_KEPT_DATETIMES = 256
const keptDatetimes = new Map<string, string>()

/** `2024-01-01T10:00:00.123Z` → `2024-01-01 10:00:00.123`, the literal a `DATETIME(3)` column takes (UTC). */
function toDatetime(iso: string): string {
  const kept = keptDatetimes.get(iso)
  if (kept !== undefined) return kept
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new RangeError(`timestamp ${JSON.stringify(iso.slice(0, 40))} is not an ISO-8601 date`)
  const datetime = date.toISOString().slice(0, 23).replace('T', ' ')
  if (keptDatetimes.size >= MAX_KEPT_DATETIMES) keptDatetimes.clear()
  keptDatetimes.set(iso, datetime)
  return datetime
}

/** A `DATETIME(3)` read with `dateStrings: true` (`2024-01-01 10:00:00.123`) as ISO-8601 UTC. */
function fromDatetime(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  const text = String(value)
  return `${text.replace(' ', 'T')}${text.length === 19 ? '.000' : ''}Z`
}

/** Keys are `VARBINARY` (exact bytes), so mysql2 returns them as Buffers of UTF-8. */
function fromText(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value)
}

// Keys (ids, user/agent ids, agent names) are VARBINARY: compared byte for byte, so "A" ≠ "a"
// and "x" ≠ "x ". utf8mb4_bin would not do: it is a PAD SPACE collation, under which a primary
// key holding "x" refuses "x ". 765 bytes hold any 255 UTF-16 code units as UTF-8 (at most 3
// bytes each), and the widest key, agent_states' (765 x 3), stays under InnoDB's 3072 bytes.
const TEXT = 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'

/** The MySQL type of each logical type, as migration 1 made them (its enum columns took utf8mb4_bin from the table; spelled out here). */
const COLUMN_TYPES: { readonly [T in LogicalType]: string } = {
  key: 'VARBINARY(765)',
  label: 'VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
  text: TEXT,
  // JSON as text: it round-trips byte for byte (MySQL's JSON type reorders keys)
  json: TEXT,
  jsonObject: TEXT,
  timestamp: 'DATETIME(3)',
  integer: 'BIGINT',
  real: 'DOUBLE',
  enum: 'VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
}

/**
 * MySQL 8 and MariaDB 10.3+: `?` placeholders (mysql2 formats them client-side, escaping
 * every value), backtick-quoted prefixed tables, upserts with `ON DUPLICATE KEY UPDATE` and
 * `VALUES(col)` (deprecated in MySQL 8.0.20 but kept there, and the only spelling MariaDB
 * knows), no `RETURNING` on upserts, `DATETIME(3)` in UTC, JSON as text so it round-trips
 * byte for byte (MySQL's JSON type reorders keys).
 */
export function mysqlDialect(prefix: string): Dialect {
  const table = (name: TableName): string => `\`${prefix}${name}\``
  return {
    name: 'mysql',
    maxParams: 65_535,
    hasReturning: false,
    lockingRead: ' FOR UPDATE',
    settings: [
      { name: 'serverVersion', sql: 'SELECT VERSION()' },
    ],
    ddl: { types: COLUMN_TYPES, selfCommitting: true, tableOptions: 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' },
    // migration 3's FULLTEXT index; natural language mode ranks by relevance and ignores
    // words shorter than innodb_ft_min_token_size (3) and InnoDB's stop words
    search: {
      param: (words) => words.join(' '),
      from: () => `${table('messages')} m`,
      where: (query) => `MATCH (m.content) AGAINST (${query} IN NATURAL LANGUAGE MODE)`,
      rank: (query) => `-MATCH (m.content) AGAINST (${query} IN NATURAL LANGUAGE MODE)`,
      rankTakesQuery: true,
    },
    placeholder: () => '?',
    table,
    index: (name) => `\`${name}\``,
    // Only a duplicate primary key is skipped: a row that collides on another unique key
    // (session_id, seq) with a different id sets id (the key's first column) to NULL, which
    // strict mode refuses, so a seq clash is an error rather than a silently lost row. `INSERT IGNORE` would also hide
    // truncation and NOT NULL errors.
    insertIgnoring: (into, rows) => {
      const [first] = into.primaryKey
      const samePrimaryKey = into.primaryKey.map((c) => `${c} = VALUES(${c})`).join(' AND ')
      return `INSERT INTO ${table(into.name)} (${columnList(into)}) ${rows} ON DUPLICATE KEY UPDATE ${first} = IF(${samePrimaryKey}, ${first}, NULL)`
    },
    // ON DUPLICATE KEY UPDATE assigns left to right and a later assignment sees the earlier
    // ones' new values; the shared statements only read a column in its own assignment.
    upsert: (into, rows, assignments) =>
      `INSERT INTO ${table(into.name)} (${columnList(into)}) ${rows} ON DUPLICATE KEY UPDATE ${assignments((c) => c, (c) => `VALUES(${c})`)}`,
    toTime: toDatetime,
    fromTime: fromDatetime,
    toJson: (value: JsonValue) => JSON.stringify(value),
    fromJson: (value) => JSON.parse(fromText(value)) as JsonValue,
    toText: (value) => value,
    fromText,
  }
}
