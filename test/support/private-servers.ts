// Private database servers for tests that kill, restart or pause a server: each runs from a
// data directory of its own in a temp dir, on a free port of 127.0.0.1, in its own process
// group, so a signal reaches it (and its children) and never the shared servers.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createConnection } from 'mysql2/promise'
import { Redis } from 'ioredis'
import pg from 'pg'
import { closedPort } from './ports.js'

const READY_TIMEOUT_MS = 60_000

/** The kinds of server this module runs. */
export type ServerKind = 'postgres' | 'mariadb' | 'redis'

/** Where an executable named `name` is on PATH, or undefined. */
function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/lib/postgresql/15/bin']) {
    const path = join(dir, name)
    if (dir !== '' && existsSync(path)) return path
  }
  return undefined
}

/** Whether this machine can run a private server of `kind` (its programs are installed and we are root). */
export function canRunPrivate(kind: ServerKind): boolean {
  const programs = { postgres: ['initdb', 'postgres'], mariadb: ['mariadb-install-db', 'mariadbd'], redis: ['redis-server'] }[kind]
  const root = process.getuid?.() === 0
  return (kind === 'redis' || root) && programs.every((p) => findExecutable(p) !== undefined)
}

function account(user: string): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', user]).toString().trim()), gid: Number(execFileSync('id', ['-g', user]).toString().trim()) }
}

/** `pid` and every process descended from it (PostgreSQL's backends call setsid(): a group signal misses them). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
    } catch {
      continue // the process ended while we looked
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
  }
  const tree = [pid]
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []))
  return tree
}

/** Sends `signal` to every process of `tree`, skipping those that already ended. */
function signalAll(tree: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of tree) {
    try {
      process.kill(pid, signal)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
}

/** Whether `pid` is a live process (not gone, not a zombie awaiting its parent). */
function isAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z ')
  } catch {
    return false
  }
}

interface Recipe {
  readonly command: string
  readonly args: readonly string[]
  readonly owner?: { uid: number; gid: number }
  readonly url: string
  /** Resolves once the server answers a real request; rejects while it does not. */
  readonly probe: () => Promise<void>
}

async function probePostgres(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function probeMariadb(port: number): Promise<void> {
  const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 })
  try {
    await connection.query('CREATE DATABASE IF NOT EXISTS agentdb')
  } finally {
    await connection.end().catch(() => undefined)
  }
}

async function probeRedis(port: number): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.ping()
  } finally {
    client.disconnect()
  }
}

/**
 * One private server: `start()` (re)starts it on its port and data directory and waits until it
 * answers; `signal()` sends a signal to its whole process group; `kill()` SIGKILLs it and waits
 * for the exit; `destroy()` kills it and removes its directory. Every fault is the real thing.
 */
export class PrivateServer {
  readonly kind: ServerKind
  readonly port: number
  readonly dir: string
  readonly #recipe: Recipe
  #process: ChildProcess | undefined
  #log = ''

  private constructor(kind: ServerKind, port: number, dir: string, recipe: Recipe) {
    this.kind = kind
    this.port = port
    this.dir = dir
    this.#recipe = recipe
  }

  /** A URL of the server for agentdb (PostgreSQL: database `postgres`; MariaDB: database `agentdb`). */
  get url(): string {
    return this.#recipe.url
  }

  /** Whether the server process is running (possibly stopped by SIGSTOP). */
  get running(): boolean {
    return this.#process !== undefined && this.#process.exitCode === null && this.#process.signalCode === null
  }

  /** Creates the data directory (initdb, mariadb-install-db) and starts the server. */
  static async create(kind: ServerKind): Promise<PrivateServer> {
    const dir = mkdtempSync(join(tmpdir(), `agentdb-${kind}-`))
    const port = await closedPort()
    const data = join(dir, 'data')
    let recipe: Recipe
    if (kind === 'postgres') {
      const owner = account('postgres')
      chownSync(dir, owner.uid, owner.gid)
      // initdb finds `postgres` beside its real path (on PATH it may be a symlink)
      const bin = dirname(realpathSync(findExecutable('initdb')!))
      execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'], { ...owner, cwd: dir, stdio: 'pipe' })
      recipe = {
        command: join(bin, 'postgres'),
        args: ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'shared_buffers=16MB', '-c', 'max_connections=60'],
        owner,
        url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
        probe: () => probePostgres(port),
      }
    } else if (kind === 'mariadb') {
      const owner = account('mysql')
      chownSync(dir, owner.uid, owner.gid)
      execFileSync(findExecutable('mariadb-install-db')!, ['--no-defaults', `--datadir=${data}`, `--tmpdir=${dir}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { ...owner, cwd: dir, stdio: 'pipe' })
      recipe = {
        command: findExecutable('mariadbd')!,
        args: ['--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'mysqld.sock')}`,
          `--pid-file=${join(dir, 'mysqld.pid')}`, `--tmpdir=${dir}`, '--skip-grant-tables', '--skip-log-bin', '--innodb-buffer-pool-size=32M', `--log-error=${join(dir, 'error.log')}`],
        owner,
        url: `mysql://root@127.0.0.1:${port}/agentdb`,
        probe: () => probeMariadb(port),
      }
    } else {
      recipe = {
        command: findExecutable('redis-server')!,
        args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'],
        url: `redis://127.0.0.1:${port}/0`,
        probe: () => probeRedis(port),
      }
    }
    const server = new PrivateServer(kind, port, dir, recipe)
    try {
      await server.start()
    } catch (error) {
      await server.destroy()
      throw error
    }
    return server
  }

  /** Starts the server (after a kill) on the same port and data, and waits until it answers. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.kind} on port ${this.port} is already running`)
    const { command, args, owner } = this.#recipe
    const child = spawn(command, args, { ...owner, cwd: this.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    this.#log = ''
    const keep = (chunk: Buffer): void => { this.#log = (this.#log + chunk.toString()).slice(-8000) }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    this.#process = child
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      if (!this.running) throw new Error(`${this.kind} exited while starting: ${this.#log}`)
      try {
        await this.#recipe.probe()
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${this.kind} on port ${this.port} did not answer within ${READY_TIMEOUT_MS} ms: ${String(error)}\n${this.#log}`)
        await sleep(100)
      }
    }
  }

  /** Sends `signal` to the server and every process it forked (SIGSTOP pauses them all). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.#process?.pid
    if (pid === undefined || !this.running) throw new Error(`${this.kind} is not running`)
    signalAll(processTree(pid), signal)
  }

  /** SIGKILLs the server and every process it forked, and waits until they are gone. */
  async kill(): Promise<void> {
    const child = this.#process
    if (child === undefined || !this.running) return
    const exited = once(child, 'exit')
    const tree = processTree(child.pid!)
    signalAll(tree, 'SIGKILL')
    await exited
    for (let i = 0; i < 100 && tree.some(isAlive); i++) await sleep(20)
  }

  async destroy(): Promise<void> {
    await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
