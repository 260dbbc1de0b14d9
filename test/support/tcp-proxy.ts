import { createServer, connect, type Server, type Socket } from 'node:net'

/** How much of the client's stream a `cutWhen` pattern is matched across (a statement split over two packets). */
const MATCH_WINDOW_BYTES = 4096

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for outage tests: `cut()` drops every
 * connection and refuses new ones (the server "went away"), `restore()` lets them through.
 * Each fault reports what it did, so a test asserts that it took effect: `cut()` returns how
 * many connections it dropped, `refused` counts connections turned away while cut.
 */
export class TcpProxy {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #up = true
  #paused = false
  #trigger: { readonly pattern: RegExp; readonly fired: () => void } | undefined
  port = 0
  /** Connections refused while cut. */
  refused = 0

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      if (!this.#up) {
        this.refused++
        client.destroy()
        return
      }
      const upstream = connect(targetPort, '127.0.0.1')
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => { client.destroy(); upstream.destroy() })
      }
      let seen = ''
      client.on('data', (chunk: Buffer) => {
        const trigger = this.#trigger
        if (trigger !== undefined) {
          seen = (seen + chunk.toString('latin1')).slice(-MATCH_WINDOW_BYTES)
          if (trigger.pattern.test(seen)) {
            // the matching request never reaches the server
            this.#trigger = undefined
            this.cut()
            trigger.fired()
            return
          }
        }
        if (!upstream.write(chunk)) client.pause()
      })
      upstream.on('drain', () => { if (!this.#paused) client.resume() })
      client.on('end', () => upstream.end())
      upstream.pipe(client)
      if (this.#paused) {
        client.pause()
        upstream.pause()
      }
    })
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort)
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve))
    proxy.port = (proxy.#server.address() as { port: number }).port
    return proxy
  }

  /** Drops every open connection and refuses new ones; returns how many connections (client sides) it dropped. */
  cut(): number {
    this.#up = false
    let dropped = 0
    for (const s of this.#sockets) {
      if (s.remotePort !== undefined && s.localPort === this.port) dropped++
      s.destroy()
    }
    return dropped
  }

  /**
   * Cuts (as `cut()`) the moment a client sends bytes matching `pattern` (read as latin1),
   * before they reach the server. Resolves once it has.
   */
  cutWhen(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => { this.#trigger = { pattern, fired: resolve } })
  }

  /**
   * Stops forwarding without closing anything (a network that goes silent, a paused server):
   * no byte moves either way, connections stay open, new ones are accepted and held the same
   * way. Returns how many connections (client sides) it held.
   */
  pause(): number {
    this.#paused = true
    let held = 0
    for (const s of this.#sockets) {
      if (s.remotePort !== undefined && s.localPort === this.port) held++
      s.pause()
    }
    return held
  }

  /** Forwards again what `pause()` held, in order. */
  resume(): void {
    this.#paused = false
    for (const s of this.#sockets) s.resume()
  }

  restore(): void {
    this.#up = true
  }

  async close(): Promise<void> {
    this.#trigger = undefined
    this.cut()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
