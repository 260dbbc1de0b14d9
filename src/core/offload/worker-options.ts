import type { WorkerOptions } from 'node:worker_threads'
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

/** Options for every worker the library starts. */
export function workerOptions(extra: WorkerOptions): WorkerOptions {
  return { ...extra, execArgv: workerExecArgv(process.execArgv) }
}

/** Why a worker failed, for a message: its error's message (secrets masked) or its exit code. */
export function workerFailure(error: Error, started: boolean): string {
  return `the store worker ${started ? 'stopped' : 'could not start'}: ${redactUrl(error.message).slice(0, 300)}`
}
