// Hostile values for property-based tests (hostile-input.test.ts): strings with lone surrogates,
// NUL, bidi and injection text, JSON with awkward keys and float64 edges, ids at the limits.
import fc from 'fast-check'

/** SQL-injection and Redis-protocol/Lua strings, put in every field. */
export const INJECTIONS: readonly string[] = [
  "'; DROP TABLE messages; --", '"; DROP TABLE sessions; --', "' OR '1'='1", "1); DELETE FROM sessions; --",
  "'); SELECT pg_sleep(5); --", "$1", "$2::text", "$$; DROP SCHEMA public CASCADE; $$", "?", "??", ":id", "%s", "%", "_",
  "\\", "\\'", "\\\\'; --", "`; DROP DATABASE test; --", "/*", "*/", "-- ", "\u0000'; --", "' UNION SELECT password FROM users --",
  "\r\nFLUSHALL\r\n", "*1\r\n$8\r\nFLUSHALL\r\n", "FLUSHALL", "KEYS *", "agentdb:*", "*", "[", "{}", ":", "\n",
  "]]..redis.call('FLUSHALL')..[[", "'..redis.call('FLUSHALL')..'", "\")..redis.call('FLUSHDB')--", "EVAL \"return 1\" 0",
]

/** Strings that are hard on one store or another. */
const AWKWARD: readonly string[] = [
  '', ' ', 'a', 'A', 'a ', ' a', 'ä', 'a\u0308', 'ß', 'SS', 'İ', 'i̇', '\u0000', 'x\u0000y', '\ud800', '\udfff', 'a\udc00b', '\ud83d\ude00',
  '\ufeff', '\u202e', '\u200b', '\uffff', '\ud83d\ude00'.repeat(3), 'null', 'undefined', 'NaN', '0', '-0', 'true', '[]', '__proto__', 'constructor',
]

/** One UTF-16 code unit or code point of any kind, lone surrogates and NUL included, or a whole awkward string. */
const unit = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 40 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.constantFrom('\u0000', "'", '"', '\\', '\r', '\n', '%', '$', '?', ':', '*'), weight: 6 },
  { arbitrary: fc.constantFrom(...AWKWARD, ...INJECTIONS), weight: 2 },
)

/** Any string, often hostile. */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit, maxLength })

/** An id (session, tool name, agent name): awkward, hostile, or at the 255-unit limit and just past it. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...AWKWARD, ...INJECTIONS),
  hostileString(30),
  fc.constantFrom('x'.repeat(255), 'x'.repeat(256), `${'\ud83d\ude00'.repeat(127)}x`, '\ud83d\ude00'.repeat(128), `${'é'.repeat(254)}\u0000`),
)

/** Float64 values at the edges: subnormals, the largest, unsafe integers, and what JSON cannot hold. */
export const FLOAT_EDGES: readonly number[] = [
  5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER,
  2 ** 53 + 2, 2 ** 64, 1e21, 1e-7, 0.1 + 0.2, 1 / 3, 123456789.123456789, Number.EPSILON,
]

/** Float64 values that round-trip through JSON (every double but -0, NaN and the infinities, which get their own tests). */
const finiteNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
  fc.constantFrom(...FLOAT_EDGES),
  fc.integer(),
)

const PROTOTYPE_NAMES = ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']

/** A key of a JSON object: prototype names, empty, hostile; `__proto__` unless `withProto` is false. */
const hostileKey = (withProto: boolean): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...(withProto ? ['__proto__'] : []), ...PROTOTYPE_NAMES, '', '$', 'a.b', '$where', 'user_id'), hostileString(12))

/** JSON values: deep, wide, awkward keys, hostile strings, float edges, plus what JSON cannot represent. */
export const hostileJson = (withProto = true): fc.Arbitrary<unknown> => fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString(20),
    finiteNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey(withProto), tie('value'), { maxKeys: 4 }),
  ),
})).value

/**
 * Metadata: an object of hostile JSON, sometimes not an object at all or holding what JSON
 * cannot keep. `withProto: false` leaves out `__proto__` keys (every hook takes them now: the
 * memory store's old defect, fixed, has a test of its own).
 */
export const hostileMetadata = (withProto = true): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.dictionary(hostileKey(withProto), hostileJson(withProto), { maxKeys: 5 }), weight: 8 },
  { arbitrary: fc.constantFrom(undefined, null, {}, { n: Number.NaN }, { n: Number.POSITIVE_INFINITY }, { d: new Date(0) }, { u: undefined }, { f: 1n }), weight: 1 },
)
