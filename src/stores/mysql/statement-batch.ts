import type { PoolConnection, ResultSetHeader } from 'mysql2/promise'
import type { SqlResult } from '../sql/plans.js'
import type { Row } from '../sql/rows.js'

// Statements joined into one COM_QUERY (the pool has multipleStatements on). The server runs
// them in order and stops at the first error, which is the one reported: the statements before
// it ran, those after it did not. https://mariadb.com/kb/en/com_query/
const SEPARATOR = ';\n'
const SEPARATOR_BYTES = Buffer.byteLength(SEPARATOR)

const NOTHING: SqlResult = Object.freeze({ rows: Object.freeze([]), changes: 0 })

function toSqlResult(result: unknown): SqlResult {
  if (Array.isArray(result)) return { rows: result as Row[], changes: 0 }
  return { rows: [], changes: (result as ResultSetHeader).affectedRows }
}

/**
 * The statements of one plan on one connection, sent in as few round trips as the server's
 * packet limit allows: a statement whose result nobody reads is held and goes out in the same
 * packet as the next one sent. A failed packet may have run some of its statements: inside a
 * transaction the caller rolls back; in autocommit each one that ran is committed, as it would
 * have been had it been sent alone. A statement of `maxBytes` or more is refused before anything
 * goes out: past max_allowed_packet the server resets the connection mid-send.
 */
export class StatementBatch {
  readonly #connection: PoolConnection
  readonly #maxBytes: number
  readonly #tooLarge: (bytes: number, maxBytes: number) => Error
  #held: string[] = []
  #heldBytes = 0

  constructor(connection: PoolConnection, maxBytes: number, tooLarge: (bytes: number, maxBytes: number) => Error) {
    this.#connection = connection
    this.#maxBytes = maxBytes
    this.#tooLarge = tooLarge
  }

  /** Holds `sql` to go out with the next statement sent (or the held ones alone, if together they would be too large). */
  async hold(sql: string): Promise<void> {
    const bytes = Buffer.byteLength(sql)
    if (bytes >= this.#maxBytes) throw this.#tooLarge(bytes, this.#maxBytes)
    if (this.#held.length > 0 && this.#heldBytes + SEPARATOR_BYTES + bytes >= this.#maxBytes) await this.flush()
    this.#heldBytes += (this.#held.length > 0 ? SEPARATOR_BYTES : 0) + bytes
    this.#held.push(sql)
  }

  /** Sends the held statements and then `sql`, resolving to the result of `sql`. */
  async send(sql: string): Promise<SqlResult> {
    await this.hold(sql)
    return this.flush()
  }

  /** Sends the held statements, if any, resolving to the result of the last. */
  async flush(): Promise<SqlResult> {
    const statements = this.#held
    if (statements.length === 0) return NOTHING
    this.#held = []
    this.#heldBytes = 0
    const [result] = await this.#connection.query(statements.length === 1 ? statements[0]! : statements.join(SEPARATOR))
    // mysql2 answers a packet of several statements with an array of their results.
    return toSqlResult(statements.length === 1 ? result : (result as unknown as readonly unknown[])[statements.length - 1])
  }
}
