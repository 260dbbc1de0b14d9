import { randomFillSync } from 'node:crypto'

const POOL_SIZE = 4096
const pool = new Uint8Array(POOL_SIZE)
let poolOffset = POOL_SIZE
let lastMs = -1
let counter = 0

/** Where in `pool` the next `count` random bytes start (no view is allocated per id). */
function takeRandom(count: number): number {
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const at = poolOffset
  poolOffset += count
  return at
}

const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
/** Character position of each of the 16 bytes in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
const BYTE_AT: readonly number[] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
/** Char codes of the id being built; the dashes never change. */
const chars: number[] = Array.from('00000000-0000-0000-0000-000000000000', (c) => c.charCodeAt(0))

function putByte(index: number, byte: number): void {
  const at = BYTE_AT[index]!
  chars[at] = HEX_CODES[(byte >>> 4) & 0xf]!
  chars[at + 1] = HEX_CODES[byte & 0xf]!
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * made in the same millisecond in creation order within this process, then random bits.
 * Ids sort by creation time as strings, so a retried write carries the same id.
 */
export function newId(): string {
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    counter = pool[takeRandom(1)]! & 0x7f // leave room to count up within the millisecond
  } else {
    ms = lastMs // the clock went backwards or stood still: keep ids increasing
    counter += 1
    if (counter > 0xfff) {
      lastMs += 1
      ms = lastMs
      counter = 0
    }
  }
  const rand = takeRandom(8)
  putByte(0, (ms / 2 ** 40) & 0xff)
  putByte(1, (ms / 2 ** 32) & 0xff)
  putByte(2, ms >>> 24)
  putByte(3, (ms >>> 16) & 0xff)
  putByte(4, (ms >>> 8) & 0xff)
  putByte(5, ms & 0xff)
  putByte(6, 0x70 | (counter >>> 8))
  putByte(7, counter & 0xff)
  putByte(8, 0x80 | (pool[rand]! & 0x3f))
  for (let i = 1; i < 8; i++) putByte(8 + i, pool[rand + i]!)
  // One flat string: `+=` would build a rope of 20 pieces that every later compare or hash flattens.
  return String.fromCharCode.apply(null, chars)
}

let isoMs = -1
let iso = ''

/** The current time as an ISO-8601 UTC string with milliseconds (formatted once per millisecond). */
export function now(): string {
  const ms = Date.now()
  if (ms !== isoMs) {
    isoMs = ms
    iso = new Date(ms).toISOString()
  }
  return iso
}
