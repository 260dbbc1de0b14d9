import { ValidationError } from './errors.js'

/** Position in a newest-first session listing: the last session of the previous page. */
export interface SessionCursor {
  readonly createdAt: string
  readonly id: string
}

/** Encodes a listing position as an opaque string. */
export function encodeCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url')
}

/**
 * Decodes `nextCursor` from an earlier page.
 * @throws ValidationError `FIELD_INVALID` when the text did not come from `nextCursor`.
 */
export function decodeCursor(text: string): SessionCursor {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch (error) {
    throw new ValidationError('FIELD_INVALID', 'cursor is not a nextCursor value from listSessions', { cause: error })
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string' || Number.isNaN(Date.parse(value[0]))) {
    throw new ValidationError('FIELD_INVALID', 'cursor is not a nextCursor value from listSessions')
  }
  return { createdAt: value[0], id: value[1] }
}

/** Encodes a search position (how many hits came before) as an opaque string. */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify(['search', offset]), 'utf8').toString('base64url')
}

/**
 * Decodes `nextCursor` from an earlier search page.
 * @throws ValidationError `FIELD_INVALID` when the text did not come from a search's `nextCursor`.
 */
export function decodeOffsetCursor(text: string): number {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch (error) {
    throw new ValidationError('FIELD_INVALID', 'cursor is not a nextCursor value from searchMessages', { cause: error })
  }
  if (!Array.isArray(value) || value[0] !== 'search' || !Number.isSafeInteger(value[1]) || (value[1] as number) < 0) {
    throw new ValidationError('FIELD_INVALID', 'cursor is not a nextCursor value from searchMessages')
  }
  return value[1] as number
}
