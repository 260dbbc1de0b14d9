import type { PraisonAIDB, Trace } from '../../index.js'

/** Where a span lives: its session and trace. */
export interface SpanPlace {
  readonly sessionId: string
  readonly traceId: string
}

/** Most ids remembered per kind; the oldest are forgotten first (a scan finds them again). */
const MAX_REMEMBERED = 100_000
/** Sessions read at once while scanning. */
const SCAN_WIDTH = 16

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string)
}

/**
 * Which session a run, trace or span id belongs to. praisonai asks for these records by id
 * alone (`getRun(id)`, `getSpans(traceId)`, `updateSpan(id)`), while agentdb keeps each inside
 * its session. Ids this adapter wrote or read are remembered; any other (written by another
 * process, or before a restart) is found by reading the sessions newest first, so a miss costs
 * one read per session.
 */
export class Directory {
  readonly #db: PraisonAIDB
  readonly #runs = new Map<string, string>()
  readonly #traces = new Map<string, string>()
  readonly #spans = new Map<string, SpanPlace>()

  constructor(db: PraisonAIDB) {
    this.#db = db
  }

  rememberRun(runId: string, sessionId: string): void {
    remember(this.#runs, runId, sessionId)
  }

  rememberTrace(trace: Pick<Trace, 'id' | 'sessionId' | 'spans'>): void {
    remember(this.#traces, trace.id, trace.sessionId)
    for (const span of trace.spans) remember(this.#spans, span.id, { sessionId: span.sessionId, traceId: span.traceId })
  }

  rememberSpan(spanId: string, place: SpanPlace): void {
    remember(this.#spans, spanId, place)
  }

  /** Forgets a deleted session's ids. */
  forgetSession(sessionId: string): void {
    for (const [id, owner] of this.#runs) if (owner === sessionId) this.#runs.delete(id)
    for (const [id, owner] of this.#traces) if (owner === sessionId) this.#traces.delete(id)
    for (const [id, place] of this.#spans) if (place.sessionId === sessionId) this.#spans.delete(id)
  }

  /** The session of a run, or undefined when no session has it. */
  async runSession(runId: string): Promise<string | undefined> {
    const known = this.#runs.get(runId)
    if (known !== undefined) return known
    await this.#scan(async (sessionId) => {
      for (const run of await this.#db.getRuns(sessionId, { limit: 1000 })) this.rememberRun(run.id, sessionId)
    }, () => this.#runs.has(runId))
    return this.#runs.get(runId)
  }

  /** The session of a trace, or undefined. */
  async traceSession(traceId: string): Promise<string | undefined> {
    const known = this.#traces.get(traceId)
    if (known !== undefined) return known
    await this.#scanTraces(() => this.#traces.has(traceId))
    return this.#traces.get(traceId)
  }

  /** The session and trace of a span, or undefined. */
  async spanPlace(spanId: string): Promise<SpanPlace | undefined> {
    const known = this.#spans.get(spanId)
    if (known !== undefined) return known
    await this.#scanTraces(() => this.#spans.has(spanId))
    return this.#spans.get(spanId)
  }

  #scanTraces(found: () => boolean): Promise<void> {
    return this.#scan(async (sessionId) => {
      for (const trace of await this.#db.getTraces({ sessionId, limit: 1000 })) this.rememberTrace(trace)
    }, found)
  }

  /** Reads sessions newest first, a few at a time, until `found` holds or none is left. */
  async #scan(read: (sessionId: string) => Promise<void>, found: () => boolean): Promise<void> {
    let cursor: string | null = null
    do {
      const page = await this.#db.listSessions({ limit: 1000, cursor })
      for (let i = 0; i < page.items.length; i += SCAN_WIDTH) {
        await Promise.all(page.items.slice(i, i + SCAN_WIDTH).map((s) => read(s.id)))
        if (found()) return
      }
      cursor = page.nextCursor
    } while (cursor !== null)
  }
}
