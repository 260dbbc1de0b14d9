import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for outage tests: `cut()` drops every
 * connection and refuses new ones (the server "went away"), `restore()` lets them through.
 */
export class TcpProxy {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #up = true
  port = 0

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      if (!this.#up) {
        client.destroy()
        return
      }
      const upstream = connect(targetPort, '127.0.0.1')
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => { client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream)
      upstream.pipe(client)
    })
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort)
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve))
    proxy.port = (proxy.#server.address() as { port: number }).port
    return proxy
  }

  /** Drops every open connection and refuses new ones. */
  cut(): void {
    this.#up = false
    for (const s of this.#sockets) s.destroy()
  }

  restore(): void {
    this.#up = true
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
