import { InvalidArgumentError } from 'commander'

/** A positive integer option. */
export function parsePositive(name: string, value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${JSON.stringify(value)}`)
  return n
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** An age such as `30d`, `12h`, `90m`, in ms. */
export function parseAge(name: string, value: string): number {
  const match = /^(\d+)([smhdw])$/.exec(value)
  if (match === null) throw new InvalidArgumentError(`${name} must be an age such as 30d, 12h or 90m, got ${JSON.stringify(value)}`)
  return Number(match[1]) * UNITS[match[2]!]!
}

/** A point in time: an ISO date or date-time, or an age (`7d` = seven days ago); as an ISO string. */
export function parseTime(name: string, value: string, now = Date.now()): string {
  if (/^\d+[smhdw]$/.test(value)) return new Date(now - parseAge(name, value)).toISOString()
  const time = Date.parse(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) throw new InvalidArgumentError(`${name} must be an ISO date (2026-11-01) or an age (7d), got ${JSON.stringify(value)}`)
  return new Date(time).toISOString()
}
