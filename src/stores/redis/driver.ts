import { isIP } from 'node:net'
import { ConfigError, StoreUnavailableError } from '../../core/errors.js'
import { ErrorScope, hostPort } from '../net/errors.js'
import { isNoScript, mapRedisError } from './errors.js'
import type { LuaScript } from './scripts.js'

type Argument = string | number

/** The part of an ioredis client this store uses. */
export interface RedisClientLike {
  readonly status: string
  connect(): Promise<void>
  quit(): Promise<unknown>
  disconnect(): void
  on(event: 'error', listener: (error: Error) => void): unknown
  once(event: 'end', listener: () => void): unknown
  call(command: string, ...args: Argument[]): Promise<unknown>
  multi(commands: Argument[][]): { exec(): Promise<[Error | null, unknown][] | null> }
}

type RedisConstructor = new (options: Readonly<Record<string, unknown>>) => RedisClientLike

let driver: RedisConstructor | undefined

/** ioredis, imported on first use so that other stores never load it. */
async function loadDriver(): Promise<RedisConstructor> {
  if (driver) return driver
  try {
    const module = await import('ioredis')
    driver = module.Redis as unknown as RedisConstructor
  } catch (error) {
    throw new ConfigError('DRIVER_MISSING', 'the Redis store needs the package ioredis: npm install ioredis', { cause: error })
  }
  return driver
}

/** Where and how to connect. The password lives in a private field, out of `inspect` and errors. */
export class RedisTarget {
  readonly host: string
  readonly port: number
  readonly db: number
  readonly tls: boolean
  readonly connectTimeoutMs: number
  readonly commandTimeoutMs: number
  readonly connectionName: string
  readonly #username: string
  readonly #password: string

  constructor(fields: Omit<RedisTarget, 'where' | 'clientOptions' | 'errorScope'> & { readonly username: string; readonly password: string }) {
    this.host = fields.host
    this.port = fields.port
    this.db = fields.db
    this.tls = fields.tls
    this.connectTimeoutMs = fields.connectTimeoutMs
    this.commandTimeoutMs = fields.commandTimeoutMs
    this.connectionName = fields.connectionName
    this.#username = fields.username
    this.#password = fields.password
  }

  /** What every message names: host, port and database index, never credentials. */
  get where(): string {
    return `Redis ${hostPort(this.host, this.port)} db ${this.db}`
  }

  /** What errors of this target name, and the password they must never show. */
  errorScope(): ErrorScope {
    return new ErrorScope(this.where, this.#password)
  }

  /**
   * ioredis options that fail fast instead of queueing: no offline queue, pending commands
   * rejected when the connection drops (the core retries them with backoff until its
   * deadline), and reconnection in the background so that a retry finds the server back.
   */
  clientOptions(): Record<string, unknown> {
    const options: Record<string, unknown> = {
      host: this.host,
      port: this.port,
      db: this.db,
      connectionName: this.connectionName,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: this.connectTimeoutMs,
      retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
    }
    if (this.commandTimeoutMs > 0) options['commandTimeout'] = this.commandTimeoutMs
    if (this.#username !== '') options['username'] = this.#username
    if (this.#password !== '') options['password'] = this.#password
    if (this.tls) options['tls'] = isIP(this.host) === 0 ? { servername: this.host } : {}
    return options
  }
}

/** How long `close()` waits for the server to answer QUIT and end the connection before it ends the connection itself. */
const GOODBYE_MS = 1000

/** One ioredis client: commands, Lua scripts, transactions, every failure mapped. */
export class RedisConnection {
  readonly #client: RedisClientLike
  readonly #scope: ErrorScope

  private constructor(client: RedisClientLike, scope: ErrorScope) {
    this.#client = client
    this.#scope = scope
  }

  /**
   * Connects and selects the database. ioredis reports why a connection failed only on its
   * 'error' event (the `connect()` promise says "Connection is closed"), and does not fail
   * when the handshake's SELECT does, so both are checked here.
   * @throws ConfigError for refused credentials or a missing database.
   * @throws StoreUnavailableError when the server cannot be reached.
   */
  static async open(target: RedisTarget): Promise<RedisConnection> {
    const Redis = await loadDriver()
    const client = new Redis(target.clientOptions())
    let failure: unknown
    let opening = true
    // Always listened to, so that an idle connection's error never crashes the host; the
    // commands that fail because of it reject on their own.
    client.on('error', (error) => { if (opening) failure ??= error })
    try {
      await client.connect()
      if (failure === undefined && target.db !== 0) await client.call('SELECT', target.db)
    } catch (error) {
      failure ??= error
    }
    opening = false
    if (failure !== undefined) {
      client.disconnect()
      throw mapRedisError(failure, target.errorScope())
    }
    return new RedisConnection(client, target.errorScope())
  }

  /** Runs one command. */
  async command(command: string, ...args: Argument[]): Promise<unknown> {
    try {
      return await this.#client.call(command, ...args)
    } catch (error) {
      throw mapRedisError(error, this.#scope)
    }
  }

  /** Runs a Lua script by its SHA1, sending its source once if the server has not cached it. */
  async script(script: LuaScript, args: readonly Argument[]): Promise<unknown> {
    try {
      return await this.#client.call('EVALSHA', script.sha, 0, ...args)
    } catch (error) {
      if (!isNoScript(error)) throw mapRedisError(error, this.#scope)
    }
    try {
      return await this.#client.call('EVAL', script.lua, 0, ...args)
    } catch (error) {
      throw mapRedisError(error, this.#scope)
    }
  }

  /** Runs commands in MULTI/EXEC, so that they see one state of the data. */
  async transaction(commands: Argument[][]): Promise<unknown[]> {
    let replies: [Error | null, unknown][] | null
    try {
      replies = await this.#client.multi(commands).exec()
    } catch (error) {
      throw mapRedisError(error, this.#scope)
    }
    if (replies === null) throw new StoreUnavailableError('STORE_UNAVAILABLE', `${this.#scope.where} aborted a transaction`)
    return replies.map(([error, reply]) => {
      if (error !== null) throw mapRedisError(error, this.#scope)
      return reply
    })
  }

  /**
   * Says goodbye (QUIT) and waits until the server has closed the connection, so that it is
   * gone from CLIENT LIST when this resolves. When the connection is down, or the server has
   * not answered within `GOODBYE_MS` (a silent network, a stopped server: without that bound a
   * close waited as long as the command timeout, forever with `commandTimeoutMs=0`), it ends
   * the connection without waiting and stops reconnecting (ioredis destroys a socket the
   * server has not closed 2 s later).
   */
  async close(): Promise<void> {
    if (this.#client.status === 'ready') {
      const ended = new Promise<void>((resolve) => { this.#client.once('end', resolve) })
      let timer: NodeJS.Timeout | undefined
      const silent = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), GOODBYE_MS) })
      try {
        const goodbye = this.#client.quit().then(() => ended).then(() => false)
        goodbye.catch(() => undefined) // still pending when the silence wins
        if (!(await Promise.race([goodbye, silent]))) return
      } catch {
        // the connection went away during QUIT: nothing left to say goodbye to
      } finally {
        clearTimeout(timer)
      }
    }
    this.#client.disconnect()
  }
}
