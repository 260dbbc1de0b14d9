import { appendFileSync } from 'node:fs'

/** Runs a reliability test long (AGENTDB_LONG=1, as RELIABILITY.md documents) or bounded (the default `npm test`). */
export const LONG = process.env['AGENTDB_LONG'] === '1'

/** The base seed of a randomised test: AGENTDB_SEED to replay a run, else a fresh one. */
export function baseSeed(): number {
  const given = process.env['AGENTDB_SEED']
  return given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given)
}

/** A small seeded PRNG (mulberry32): the same seed gives the same moments, so a failure replays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Reports a measured figure: as a test diagnostic (shown by `node --test`), and appended as one
 * JSON line to the file AGENTDB_FIGURES names, from which RELIABILITY.md's figures are taken.
 */
export function recordFigure(diagnostic: (message: string) => void, name: string, figure: Readonly<Record<string, unknown>>): void {
  const line = JSON.stringify({ name, ...figure, at: new Date().toISOString() })
  diagnostic(`${name}: ${JSON.stringify(figure)}`)
  const file = process.env['AGENTDB_FIGURES']
  if (file !== undefined && file !== '') appendFileSync(file, `${line}\n`)
}
