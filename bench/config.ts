/** What one benchmark run measures, from CLI flags (`--sessions 50`) or env (`BENCH_SESSIONS=50`). */
export interface BenchConfig {
  /** Concurrent sessions (S). */
  readonly sessions: number
  /** Messages per session (M). */
  readonly messages: number
  /** Repetitions of every case, interleaved. */
  readonly reps: number
  /** Most messages of a sequential (one agent, each hook awaited) run. */
  readonly sequentialCap: number
  /** Most messages of a naive loop (one autocommit INSERT per message). */
  readonly naiveCap: number
  /** Backends to run (`memory`, `sqlite`, `postgres`, `mariadb`, `redis`, `mastra`); empty = all. */
  readonly only: readonly string[]
  /** Iterations of the hook-overhead loop. */
  readonly overheadIterations: number
  /** Messages in the session read back by the history benchmark. */
  readonly historyMessages: number
  /** Calls of `getMessages(id, { limit: 50 })` per history case. */
  readonly historyCalls: number
  /** Calls per side of the sync-bridge latency comparison. */
  readonly bridgeCalls: number
  /** Agent turns per variant (no store, memory, SQLite) against the scripted model server. */
  readonly agentTurns: number
  /** Messages of the database the operations case (import, search, export) builds per backend. */
  readonly opsMessages: number
  /** Searches per query kind in the operations case. */
  readonly opsQueries: number
  /** Run every throughput case once first, untimed, at the full shape (JIT, connections, disk caches). */
  readonly warmup: boolean
  /** Where results.json goes. */
  readonly out: string
}

const DEFAULTS = {
  sessions: 200, messages: 50, reps: 5, sequentialCap: 2000, naiveCap: 2000,
  overheadIterations: 200_000, historyMessages: 10_000, historyCalls: 2000, bridgeCalls: 500, agentTurns: 100,
  opsMessages: 10_000, opsQueries: 20,
} as const

type NumericKey = keyof typeof DEFAULTS

const USAGE = `usage: node build/bench/run.js [--sessions N] [--messages N] [--reps N] [--sequential-cap N]
  [--naive-cap N] [--overhead-iterations N] [--history-messages N] [--history-calls N]
  [--bridge-calls N] [--agent-turns N] [--ops-messages N] [--ops-queries N] [--only sqlite,postgres,...] [--warmup 0|1] [--out path]
Every flag also reads from env, e.g. BENCH_SESSIONS=50, BENCH_ONLY=sqlite.`

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
const envName = (key: string): string => `BENCH_${kebab(key).replace(/-/g, '_').toUpperCase()}`

function flagValues(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`)
    const eq = arg.indexOf('=')
    if (eq > 0) {
      values.set(arg.slice(2, eq), arg.slice(eq + 1))
    } else {
      const value = argv[i + 1]
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`)
      values.set(arg.slice(2), value)
      i++
    }
  }
  return values
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`)
  return value
}

/** Reads flags, then env, then defaults. @throws Error on an unknown flag or a bad number. */
export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const flags = flagValues(argv)
  const known = new Set([...Object.keys(DEFAULTS).map(kebab), 'only', 'out', 'warmup'])
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}\n${USAGE}`)
  const pick = (key: string): string | undefined => flags.get(kebab(key)) ?? env[envName(key)]
  const numbers = {} as Record<NumericKey, number>
  for (const key of Object.keys(DEFAULTS) as NumericKey[]) {
    const given = pick(key)
    numbers[key] = given === undefined ? DEFAULTS[key] : positiveInteger(`--${kebab(key)}`, given)
  }
  const only = (pick('only') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const warmup = pick('warmup') ?? '1'
  if (warmup !== '0' && warmup !== '1') throw new Error(`--warmup must be 0 or 1, got ${JSON.stringify(warmup)}`)
  return { ...numbers, only, warmup: warmup === '1', out: pick('out') ?? 'bench/results.json' }
}

const ALIASES: Readonly<Record<string, string>> = { pg: 'postgres', postgresql: 'postgres', mysql: 'mariadb', libsql: 'mastra-libsql' }

/** True when a backend key (e.g. `sqlite-full`, `mastra-pg`) is selected by `--only` (a key or its prefix). */
export function isSelected(config: BenchConfig, key: string): boolean {
  if (config.only.length === 0) return true
  return config.only.some((given) => key.startsWith(ALIASES[given] ?? given))
}
