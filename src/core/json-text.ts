import type { JsonObject, JsonValue } from './records.js'

/**
 * A JSON value still in its serialized form. A write batch crosses to a store's worker thread
 * as text (`encodeOps`); its JSON fields stay text on the other side, so that a SQL store
 * binds them as they came instead of parsing and serializing them again (issue 8).
 *
 * It stands in a record's JSON field only between `decodeOps` and the store: a dialect's
 * `toJson` takes its text (`jsonTextOf`), and anything else that serializes it still gets the
 * value itself (`toJSON`).
 */
export class JsonText {
  readonly text: string

  constructor(text: string) {
    this.text = text
  }

  /** The value, for a `JSON.stringify` that meets this instead of the value. */
  toJSON(): JsonValue {
    return JSON.parse(this.text) as JsonValue
  }

  /** This text where a record's JSON object field goes (see the class comment). */
  asObject(): JsonObject {
    return this as unknown as JsonObject
  }

  /** This text where a record's JSON value field goes. */
  asValue(): JsonValue {
    return this as unknown as JsonValue
  }
}

/** The JSON text of `value`: as it came when it is a `JsonText`, serialized otherwise. */
export function jsonTextOf(value: JsonValue): string {
  return (value as unknown) instanceof JsonText ? (value as unknown as JsonText).text : JSON.stringify(value)
}
