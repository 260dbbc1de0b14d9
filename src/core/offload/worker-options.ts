import { Worker, type WorkerOptions } from 'node:worker_threads'
import { redactUrl } from '../url.js'

/**
 * Flags of the main script that a worker must not inherit: how the main script itself is
 * read (`-e`, `-p`, `--input-type`, `--test`, …). A worker given `--input-type` refuses to
 * load its file (`ERR_INPUT_TYPE_NOT_ALLOWED`), so `node -e` or a script on stdin would lose
 * every hook. Loaders (`--import`, `--require`, `--loader`) and other flags stay: a user
 * store module may need them.
 */
const SCRIPT_FLAGS_WITH_VALUE = new Set(['-e', '--eval', '-p', '--print', '--input-type'])
const SCRIPT_FLAGS = new Set(['-i', '--interactive', '-c', '--check', '--test', '--watch', '--watch-preserve-output', '-'])
const SCRIPT_FLAG_PREFIXES = ['--input-type=', '--eval=', '--print=', '--test-', '--watch-path=', '--watch=']

/** The parent's `execArgv` without the flags about the main script. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!
    if (SCRIPT_FLAGS_WITH_VALUE.has(flag)) {
      i++ // its value
      continue
    }
    if (SCRIPT_FLAGS.has(flag) || SCRIPT_FLAG_PREFIXES.some((p) => flag.startsWith(p))) continue
    kept.push(flag)
  }
  return kept
}

/** The flags Node names in `ERR_WORKER_INVALID_EXEC_ARGV` ("…invalid execArgv flags: --a, --b=1"), or null. */
function invalidFlags(error: unknown): string[] | null {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return null
  const message = (error as Error).message
  const at = message.indexOf(': ')
  return at < 0 ? [] : message.slice(at + 2).split(', ')
}

/**
 * Starts a worker the library runs (`extra`: its data and transfers) with the parent's flags
 * but those about the main script (`workerExecArgv`). When none was left out, the worker simply
 * inherits them, as Node does by default: Node then drops the flags a worker cannot take. A
 * list given explicitly must hold none of those (`--max-old-space-size`, `--stack-size`,
 * `--trace-gc` and other V8 or process-wide flags), or the constructor throws
 * `ERR_WORKER_INVALID_EXEC_ARGV`: the flags it names are left out and the worker started again.
 */
export function startWorker(url: URL, extra: WorkerOptions): Worker {
  const kept = workerExecArgv(process.execArgv)
  if (kept.length === process.execArgv.length) return new Worker(url, extra)
  try {
    return new Worker(url, { ...extra, execArgv: kept })
  } catch (error) {
    const invalid = invalidFlags(error)
    if (invalid === null) throw error
    return new Worker(url, { ...extra, execArgv: kept.filter((flag) => !invalid.includes(flag)) })
  }
}

/** Why a worker failed, for a message: its error's message (secrets masked) or its exit code. */
export function workerFailure(error: Error, started: boolean): string {
  return `the store worker ${started ? 'stopped' : 'could not start'}: ${redactUrl(error.message).slice(0, 300)}`
}
