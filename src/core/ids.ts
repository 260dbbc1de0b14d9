import { randomFillSync } from 'node:crypto'

const POOL_SIZE = 4096
const pool = new Uint8Array(POOL_SIZE)
let poolOffset = POOL_SIZE
let lastMs = -1
let counter = 0

function randomBytes(count: number): Uint8Array {
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count)
  poolOffset += count
  return bytes
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * made in the same millisecond in creation order within this process, then random bits.
 * Ids sort by creation time as strings, so a retried write carries the same id.
 */
export function newId(): string {
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    counter = randomBytes(1)[0]! & 0x7f // leave room to count up within the millisecond
  } else {
    ms = lastMs // the clock went backwards or stood still: keep ids increasing
    counter += 1
    if (counter > 0xfff) {
      lastMs += 1
      ms = lastMs
      counter = 0
    }
  }
  const rand = randomBytes(8)
  const b = new Uint8Array(16)
  b[0] = ms / 2 ** 40
  b[1] = ms / 2 ** 32
  b[2] = ms >>> 24
  b[3] = ms >>> 16
  b[4] = ms >>> 8
  b[5] = ms
  b[6] = 0x70 | (counter >>> 8)
  b[7] = counter & 0xff
  b[8] = 0x80 | (rand[0]! & 0x3f)
  for (let i = 1; i < 8; i++) b[8 + i] = rand[i]!
  let out = ''
  for (let i = 0; i < 16; i++) {
    out += HEX[b[i]!]!
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-'
  }
  return out
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
