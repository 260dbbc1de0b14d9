// Servers that are there but not ready yet, speaking just enough of each protocol: a Redis
// still loading its dataset, a PostgreSQL still starting up. Each counts what it was asked,
// so a test asserts the fault happened (and was met more than once: retried, not refused).
import { createServer, type Server, type Socket } from 'node:net'

/** A listening fake server on 127.0.0.1. */
abstract class FakeServer {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  port = 0
  /** Connections accepted. */
  connections = 0

  protected constructor() {
    this.#server = createServer((socket) => {
      this.connections++
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
      socket.on('error', () => socket.destroy())
      this.serve(socket)
    })
  }

  protected abstract serve(socket: Socket): void

  protected async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.port = (this.#server.address() as { port: number }).port
    return this
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/** The commands of a RESP stream: arrays of bulk strings, as clients send them. */
function* respCommands(buffer: { data: Buffer }): Generator<string[]> {
  for (;;) {
    const text = buffer.data.toString('latin1')
    if (!text.startsWith('*')) return
    let at = text.indexOf('\r\n')
    if (at < 0) return
    const count = Number(text.slice(1, at))
    at += 2
    const parts: string[] = []
    for (let i = 0; i < count; i++) {
      const end = text.indexOf('\r\n', at)
      if (end < 0) return
      const length = Number(text.slice(at + 1, end))
      if (text.length < end + 2 + length + 2) return
      parts.push(text.slice(end + 2, end + 2 + length))
      at = end + 2 + length + 2
    }
    buffer.data = buffer.data.subarray(at) // latin1: one character per byte
    yield parts
  }
}

const LOADING = '-LOADING Redis is loading the dataset in memory\r\n'

/**
 * A Redis that accepts connections (its INFO says it is not loading, so ioredis's ready check
 * passes, as on a replica that starts a full resync after the check) and answers every data
 * command `-LOADING`, as Redis does while it loads its dataset: EVALSHA and EVAL, a MULTI's
 * queued commands (then EXEC answers `-EXECABORT`, as Redis does after an error in the queue).
 */
export class LoadingRedis extends FakeServer {
  /** Replies `-LOADING` sent. */
  loadingReplies = 0
  /** EXECs answered `-EXECABORT`. */
  aborts = 0

  static start(): Promise<LoadingRedis> {
    return new LoadingRedis().listen()
  }

  protected serve(socket: Socket): void {
    const buffer = { data: Buffer.alloc(0) }
    socket.on('data', (chunk: Buffer) => {
      buffer.data = Buffer.concat([buffer.data, chunk])
      for (const [name = ''] of respCommands(buffer)) {
        const command = name.toUpperCase()
        if (command === 'QUIT') socket.end('+OK\r\n') // as Redis: goodbye, then close
        else socket.write(this.#reply(command))
      }
    })
  }

  #reply(command: string): string {
    switch (command) {
      case 'INFO': {
        const info = '# Persistence\r\nloading:0\r\n'
        return `$${info.length}\r\n${info}\r\n`
      }
      case 'CLIENT': case 'SELECT': case 'MULTI': case 'DISCARD':
        return '+OK\r\n'
      case 'HELLO': // as a server before Redis 6: the client stays on RESP2
        return "-ERR unknown command 'HELLO'\r\n"
      case 'PING':
        return '+PONG\r\n'
      case 'EXEC':
        this.aborts++
        return '-EXECABORT Transaction discarded because of previous errors.\r\n'
      default:
        this.loadingReplies++
        return LOADING
    }
  }
}

/** A PostgreSQL ErrorResponse message: severity, SQLSTATE, text. */
function pgError(sqlState: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${text}\0\0`, 'utf8')
  const head = Buffer.alloc(5)
  head.write('E', 0, 'latin1')
  head.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([head, fields])
}

/**
 * A PostgreSQL that answers every startup with SQLSTATE 57P03 "the database system is
 * starting up" and closes the connection, as PostgreSQL does during crash recovery. An
 * SSLRequest is answered 'N' (no TLS), as a server without TLS does.
 */
export class StartingPostgres extends FakeServer {
  /** Startups refused with 57P03. */
  refusals = 0

  static start(): Promise<StartingPostgres> {
    return new StartingPostgres().listen()
  }

  protected serve(socket: Socket): void {
    let data = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      while (data.length >= 8) {
        const length = data.readInt32BE(0)
        if (data.length < length) return
        const code = data.readInt32BE(4)
        data = data.subarray(length)
        if (code === 80877103) {
          socket.write('N') // SSLRequest: no TLS here
          continue
        }
        this.refusals++
        socket.end(pgError('57P03', 'the database system is starting up'))
        return
      }
    })
  }
}
