/** How long a store thread polls for the next request after answering one (ms): see `RequestLoop`. */
export const STORE_THREAD_POLL_MS = 0.5

/** What a `RequestLoop` serves with: how to answer, reply and take a waiting request. */
export interface RequestLoopParts<Request, Response> {
  /** How long to poll for the next request after answering one (ms); 0 never polls. */
  readonly pollMs: number
  /** The answer: at once (a synchronous store) or a promise (the loop stops polling for it). */
  answer(request: Request): Response | Promise<Response>
  send(response: Response): void
  /** A request already waiting, without blocking (`receiveMessageOnPort`), or undefined. */
  receive(): Request | undefined
  now(): number
}

/**
 * A store thread's request loop. Waking a sleeping thread is most of a hop's cost (about
 * 45 µs of a 70 µs round trip measured on a 2-core VM, against 25 µs for a thread that
 * polls), so after answering a request the thread polls for the next one for `pollMs` before
 * it goes back to sleep in its event loop: one agent awaiting each write sends its next one
 * within that window. It polls only while requests come that soon after an answer: after a
 * miss it sleeps at once, until a request arrives within `pollMs` of the previous answer
 * again, so callers that pause between requests (group commit's batches, an agent waiting
 * on its model) cost no spinning. Nor does an answer that took longer than the window (a
 * group commit's batch of hundreds of writes): against its cost a wake-up is nothing, and a
 * thread spinning while the caller's thread resolves the batch takes a core from it (on two
 * cores that made the caller's event loop late). An answer that is a promise ends the
 * polling: the thread goes back to its event loop to settle it.
 */
export class RequestLoop<Request, Response> {
  readonly #parts: RequestLoopParts<Request, Response>
  #polling = false
  #answeredAt = -Infinity
  #polled = 0

  constructor(parts: RequestLoopParts<Request, Response>) {
    this.#parts = parts
  }

  /** Requests taken by polling rather than from the event loop. */
  get polled(): number {
    return this.#polled
  }

  /** Serves `first` (delivered by the event loop), then each request that arrives while the thread polls. */
  serve(first: Request): void {
    const parts = this.#parts
    this.#polling = parts.pollMs > 0 && parts.now() - this.#answeredAt < parts.pollMs
    let request: Request | undefined = first
    while (request !== undefined) {
      const started = parts.now()
      const response = parts.answer(request)
      if (response instanceof Promise) {
        void response.then((settled) => { parts.send(settled) })
        return
      }
      parts.send(response)
      this.#answeredAt = parts.now()
      const quick = this.#answeredAt - started < parts.pollMs
      request = this.#polling && quick ? this.#poll(this.#answeredAt + parts.pollMs) : undefined
    }
  }

  /** The next request if one arrives before `until`; after a miss the loop stops polling. */
  #poll(until: number): Request | undefined {
    const parts = this.#parts
    do {
      const received = parts.receive()
      if (received !== undefined) {
        this.#polled++
        return received
      }
    } while (parts.now() < until)
    this.#polling = false
    return undefined
  }
}
