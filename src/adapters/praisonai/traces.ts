import { ValidationError, type PraisonAIDB, type Span, type SpanStatus, type Trace } from '../../index.js'
import {
  checkChoice, checkId, checkJsonObject, checkOptionalName, checkOptionalTime, checkRecord, checkSessionId, checkTime, epochMs,
} from './checks.js'
import type { Directory } from './directory.js'
import { createKept, readKept, updateKept } from './kept.js'
import type { DbSpan, DbTrace } from './types.js'

const STATUSES = ['pending', 'running', 'completed', 'failed'] as const
type Status = (typeof STATUSES)[number]

/** Name of an agentdb trace praisonai gave no agent name. */
export const UNNAMED_TRACE = 'praisonai'

const ended = (status: Status): Exclude<SpanStatus, 'running'> | undefined =>
  status === 'completed' ? 'ok' : status === 'failed' ? 'error' : undefined
const statusOf = (status: SpanStatus): Status => (status === 'running' ? 'running' : status === 'ok' ? 'completed' : 'failed')
const when = (iso: string | null): { completedAt?: number } => (iso === null ? {} : { completedAt: epochMs(iso) })
const details = <K extends string>(key: K, value: Readonly<Record<string, unknown>>): { [P in K]?: Record<string, unknown> } =>
  (Object.keys(value).length === 0 ? {} : { [key]: { ...value } }) as { [P in K]?: Record<string, unknown> }
const present = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

/** A whole trace, checked. @throws ValidationError */
export function checkTrace(value: unknown): DbTrace {
  const t = checkRecord('trace', value)
  return {
    id: checkId('trace.id', t['id']), sessionId: checkSessionId('trace.sessionId', t['sessionId']),
    ...present('runId', t['runId'] === undefined ? undefined : checkId('trace.runId', t['runId'])),
    ...present('agentName', checkOptionalName('trace.agentName', t['agentName'])),
    startedAt: checkTime('trace.startedAt', t['startedAt']), ...present('completedAt', checkOptionalTime('trace.completedAt', t['completedAt'])),
    status: checkChoice('trace.status', t['status'], STATUSES), ...present('metadata', checkJsonObject('trace.metadata', t['metadata'])),
  }
}

/** A whole span, checked. @throws ValidationError */
export function checkSpan(value: unknown): DbSpan {
  const s = checkRecord('span', value)
  return {
    id: checkId('span.id', s['id']), traceId: checkId('span.traceId', s['traceId']),
    ...present('parentId', s['parentId'] === undefined ? undefined : checkId('span.parentId', s['parentId'])),
    name: checkId('span.name', s['name']), startedAt: checkTime('span.startedAt', s['startedAt']),
    ...present('completedAt', checkOptionalTime('span.completedAt', s['completedAt'])),
    status: checkChoice('span.status', s['status'], STATUSES), ...present('attributes', checkJsonObject('span.attributes', s['attributes'])),
  }
}

async function projectTrace(db: PraisonAIDB, t: DbTrace): Promise<void> {
  await db.aonTraceStart({ sessionId: t.sessionId, traceId: t.id, name: t.agentName || UNNAMED_TRACE, runId: t.runId ?? null, metadata: t.metadata ?? null })
  const status = ended(t.status)
  if (status !== undefined) await db.aonTraceEnd({ sessionId: t.sessionId, traceId: t.id, status, metadata: t.metadata ?? null })
}

async function projectSpan(db: PraisonAIDB, sessionId: string, s: DbSpan): Promise<void> {
  await db.aonSpanStart({ sessionId, traceId: s.traceId, spanId: s.id, name: s.name, parentSpanId: s.parentId ?? null, attributes: s.attributes ?? null })
  const status = ended(s.status)
  if (status !== undefined) await db.aonSpanEnd({ sessionId, traceId: s.traceId, spanId: s.id, status, attributes: s.attributes ?? null })
}

/** An agentdb trace praisonai did not write (agentdb's Agent), as a praisonai trace. */
function deriveTrace(t: Trace): DbTrace {
  return {
    id: t.id, sessionId: t.sessionId, ...present('runId', t.runId ?? undefined), ...present('agentName', t.name === UNNAMED_TRACE ? undefined : t.name),
    startedAt: epochMs(t.startedAt), ...when(t.endedAt), status: statusOf(t.status), ...details('metadata', t.metadata),
  }
}

function deriveSpan(s: Span): DbSpan {
  return {
    id: s.id, traceId: s.traceId, ...present('parentId', s.parentSpanId ?? undefined), name: s.name, startedAt: epochMs(s.startedAt),
    ...when(s.endedAt), status: statusOf(s.status), ...details('attributes', s.attributes),
  }
}

/** praisonai's trace and span operations over agentdb traces and spans. */
export class Traces {
  readonly #db: PraisonAIDB
  readonly #directory: Directory

  constructor(db: PraisonAIDB, directory: Directory) {
    this.#db = db
    this.#directory = directory
  }

  async #trace(sessionId: string, traceId: string): Promise<Trace | undefined> {
    const trace = (await this.#db.getTraces({ sessionId, limit: 1000 })).find((t) => t.id === traceId)
    if (trace !== undefined) this.#directory.rememberTrace(trace)
    return trace
  }

  async createTrace(value: unknown): Promise<void> {
    const trace = checkTrace(value)
    await createKept(this.#db, trace.sessionId, 'trace', trace.id, trace, (t) => projectTrace(this.#db, t))
    this.#directory.rememberTrace({ id: trace.id, sessionId: trace.sessionId, spans: [] })
  }

  async getTrace(id: unknown): Promise<DbTrace | null> {
    const traceId = checkId('id', id)
    const sessionId = await this.#directory.traceSession(traceId)
    if (sessionId === undefined) return null
    const kept = await readKept<DbTrace>(this.#db, sessionId, 'trace', traceId)
    if (kept !== undefined) return kept
    const trace = await this.#trace(sessionId, traceId)
    return trace === undefined ? null : deriveTrace(trace)
  }

  async updateTrace(id: unknown, updates: unknown): Promise<void> {
    const traceId = checkId('id', id)
    const sessionId = await this.#directory.traceSession(traceId)
    if (sessionId === undefined) return
    const derive = async (): Promise<DbTrace | undefined> => {
      const trace = await this.#trace(sessionId, traceId)
      return trace === undefined ? undefined : deriveTrace(trace)
    }
    await updateKept(this.#db, sessionId, 'trace', traceId, updates, ['id', 'sessionId'], derive, checkTrace, (t) => projectTrace(this.#db, t))
  }

  /** @throws ValidationError when the span's trace does not exist: create the trace first. */
  async createSpan(value: unknown): Promise<void> {
    const span = checkSpan(value)
    const sessionId = await this.#directory.traceSession(span.traceId)
    if (sessionId === undefined) throw new ValidationError('FIELD_INVALID', `span.traceId ${JSON.stringify(span.traceId)} names no trace: create the trace first`)
    await createKept(this.#db, sessionId, 'span', span.id, span, (s) => projectSpan(this.#db, sessionId, s))
    this.#directory.rememberSpan(span.id, { sessionId, traceId: span.traceId })
  }

  /** A trace's spans in start order; [] when there is no such trace. */
  async getSpans(traceId: unknown): Promise<DbSpan[]> {
    const id = checkId('traceId', traceId)
    const sessionId = await this.#directory.traceSession(id)
    if (sessionId === undefined) return []
    const trace = await this.#trace(sessionId, id)
    if (trace === undefined) return []
    return Promise.all(trace.spans.map(async (s) => await readKept<DbSpan>(this.#db, sessionId, 'span', s.id) ?? deriveSpan(s)))
  }

  async updateSpan(id: unknown, updates: unknown): Promise<void> {
    const spanId = checkId('id', id)
    const place = await this.#directory.spanPlace(spanId)
    if (place === undefined) return
    const derive = async (): Promise<DbSpan | undefined> => {
      const span = (await this.#trace(place.sessionId, place.traceId))?.spans.find((s) => s.id === spanId)
      return span === undefined ? undefined : deriveSpan(span)
    }
    await updateKept(this.#db, place.sessionId, 'span', spanId, updates, ['id', 'traceId'], derive, checkSpan, (s) => projectSpan(this.#db, place.sessionId, s))
  }
}
