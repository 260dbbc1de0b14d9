/**
 * A one-reader queue of text deltas: the run pushes, `stream()` iterates. Ends when the run
 * ends; a run's failure is thrown to the reader after the deltas before it.
 */
export class DeltaChannel implements AsyncIterable<string> {
  readonly #items: string[] = []
  #ended = false
  #failure: { readonly error: unknown } | undefined
  #wake: (() => void) | undefined

  push(text: string): void {
    this.#items.push(text)
    this.#notify()
  }

  end(failure?: { readonly error: unknown }): void {
    this.#ended = true
    this.#failure = failure
    this.#notify()
  }

  /** Whether the writer has ended it. */
  get ended(): boolean {
    return this.#ended
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    for (;;) {
      const next = this.#items.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure.error
        return
      }
      await new Promise<void>((resolve) => { this.#wake = resolve })
    }
  }
}
