import { spawn } from 'node:child_process'

/** What a child Node.js process left: its exit code and everything it printed. */
export interface NodeRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `node <args>` (this process's binary) to its end, `stdin` written to it (nothing when
 * absent), and resolves once its output is closed; rejects only when it cannot be started.
 */
export function runNode(args: readonly string[], options: { readonly cwd?: string; readonly stdin?: string } = {}): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}
