import { once } from 'node:events'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { TcpProxy } from './tcp-proxy.js'

type Command = 'cut' | 'restore' | 'close' | 'refused' | 'pause' | 'resume'

/**
 * A `TcpProxy` on its own thread, for tests of the synchronous surface: while the main
 * thread blocks in `Atomics.wait`, a proxy on the main event loop could not forward a byte.
 */
export class ThreadedTcpProxy {
  readonly #worker: Worker
  readonly port: number

  private constructor(worker: Worker, port: number) {
    this.#worker = worker
    this.port = port
  }

  static async start(targetPort: number): Promise<ThreadedTcpProxy> {
    const worker = new Worker(new URL(import.meta.url), { workerData: targetPort })
    const [port] = await once(worker, 'message') as [number]
    return new ThreadedTcpProxy(worker, port)
  }

  async #send(command: Command): Promise<number> {
    this.#worker.postMessage(command)
    const [answer] = await once(this.#worker, 'message') as [number]
    return answer
  }

  /** Drops every connection and refuses new ones; resolves to how many connections it dropped. */
  cut(): Promise<number> {
    return this.#send('cut')
  }

  /** How many connections were refused while cut. */
  refused(): Promise<number> {
    return this.#send('refused')
  }

  /** Stops forwarding without closing (see `TcpProxy.pause`); resolves to how many connections it held. */
  pause(): Promise<number> {
    return this.#send('pause')
  }

  /** Forwards again what `pause()` held. */
  async resume(): Promise<void> {
    await this.#send('resume')
  }

  async restore(): Promise<void> {
    await this.#send('restore')
  }

  async close(): Promise<void> {
    await this.#send('close')
    await this.#worker.terminate()
  }
}

if (!isMainThread && typeof workerData === 'number') {
  const proxy = await TcpProxy.start(workerData)
  parentPort!.postMessage(proxy.port)
  parentPort!.on('message', (command: Command) => {
    void (async () => {
      let answer = 0
      if (command === 'cut') answer = proxy.cut()
      else if (command === 'restore') proxy.restore()
      else if (command === 'refused') answer = proxy.refused
      else if (command === 'pause') answer = proxy.pause()
      else if (command === 'resume') proxy.resume()
      else await proxy.close()
      parentPort!.postMessage(answer)
    })()
  })
}
