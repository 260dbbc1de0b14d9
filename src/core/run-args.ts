import { ValidationError, quote } from './errors.js'
import { now } from './ids.js'
import type { JsonObject, RunStatus, SpanStatus } from './records.js'
import type { Phase, SessionSeed, WriteOp } from './store.js'
import { checkContent, checkJsonObject, checkName, checkOptionalName, checkSessionId } from './validate.js'

type Details = Readonly<Record<string, unknown>> | null | undefined

/** Object form of `aonRunStart`. */
export interface RunStartArgs {
  readonly sessionId: string
  readonly runId: string
  readonly inputContent: string
  readonly metadata?: Details
}

/** Object form of `aonRunEnd`. */
export interface RunEndArgs {
  readonly sessionId: string
  readonly runId: string
  readonly outputContent: string
  readonly status: Exclude<RunStatus, 'running'>
  readonly metrics?: Details
  readonly metadata?: Details
}

/** Object form of `aonTraceStart`. */
export interface TraceStartArgs {
  readonly sessionId: string
  readonly traceId: string
  readonly name: string
  readonly runId?: string | null | undefined
  readonly userId?: string | null | undefined
  readonly metadata?: Details
}

/** Object form of `aonTraceEnd`. */
export interface TraceEndArgs {
  readonly sessionId: string
  readonly traceId: string
  readonly status: Exclude<SpanStatus, 'running'>
  readonly metadata?: Details
}

/** Object form of `aonSpanStart`. */
export interface SpanStartArgs {
  readonly sessionId: string
  readonly traceId: string
  readonly spanId: string
  readonly name: string
  readonly parentSpanId?: string | null | undefined
  /** What the step is: `llm`, `tool`, `agent`, … (default `internal`). */
  readonly kind?: string | undefined
  readonly attributes?: Details
}

/** Object form of `aonSpanEnd`. */
export interface SpanEndArgs {
  readonly sessionId: string
  readonly traceId: string
  readonly spanId: string
  readonly status: Exclude<SpanStatus, 'running'>
  readonly error?: string | null | undefined
  readonly attributes?: Details
}

const RUN_END: readonly RunStatus[] = ['completed', 'error', 'interrupted']
const SPAN_END: readonly SpanStatus[] = ['ok', 'error']

function checkStatus<S extends string>(value: unknown, allowed: readonly S[]): S {
  if (!allowed.includes(value as S)) throw new ValidationError('FIELD_INVALID', `status must be one of ${allowed.map((s) => `"${s}"`).join(', ')}, got ${quote(value)}`)
  return value as S
}

const plainSeed = (id: string, at: string, userId: string | null = null): SessionSeed =>
  ({ id, userId, agentId: null, name: null, metadata: {}, at })

const hasKeys = (value: JsonObject): boolean => Object.keys(value).length > 0

/** Validates `aonRunStart`'s arguments into a write. @throws ValidationError */
export function runStartOp(args: RunStartArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const id = checkName('runId', args.runId, false)
  const input = checkContent(args.inputContent)
  const metadata = checkJsonObject('metadata', args.metadata)
  const at = now()
  return {
    type: 'run', phase: 'start', replaceDetails: false, session: plainSeed(sessionId, at),
    record: { id, sessionId, status: 'running', input, output: null, metrics: {}, metadata, startedAt: at, endedAt: null },
  }
}

/** Validates `aonRunEnd`'s arguments into a write. @throws ValidationError */
export function runEndOp(args: RunEndArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const id = checkName('runId', args.runId, false)
  const output = checkContent(args.outputContent)
  const status = checkStatus(args.status, RUN_END)
  const metrics = checkJsonObject('metrics', args.metrics)
  const metadata = checkJsonObject('metadata', args.metadata)
  const at = now()
  return {
    type: 'run', phase: 'end', replaceDetails: hasKeys(metadata), session: plainSeed(sessionId, at),
    record: { id, sessionId, status, input: '', output, metrics, metadata, startedAt: at, endedAt: at },
  }
}

/** Validates `aonTraceStart`'s arguments into a write. @throws ValidationError */
export function traceStartOp(args: TraceStartArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const id = checkName('traceId', args.traceId, false)
  const name = checkName('name', args.name, false)
  const runId = checkOptionalName('runId', args.runId)
  const userId = checkOptionalName('userId', args.userId)
  const metadata = checkJsonObject('metadata', args.metadata)
  const at = now()
  return {
    type: 'trace', phase: 'start', replaceDetails: false, session: plainSeed(sessionId, at, userId),
    record: { id, sessionId, runId, userId, name, status: 'running', metadata, startedAt: at, endedAt: null },
  }
}

/** Validates `aonTraceEnd`'s arguments into a write. @throws ValidationError */
export function traceEndOp(args: TraceEndArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const id = checkName('traceId', args.traceId, false)
  const status = checkStatus(args.status, SPAN_END)
  const metadata = checkJsonObject('metadata', args.metadata)
  const at = now()
  return {
    type: 'trace', phase: 'end', replaceDetails: hasKeys(metadata), session: plainSeed(sessionId, at),
    record: { id, sessionId, runId: null, userId: null, name: '', status, metadata, startedAt: at, endedAt: at },
  }
}

/** Validates `aonSpanStart`'s arguments into a write. @throws ValidationError */
export function spanStartOp(args: SpanStartArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const traceId = checkName('traceId', args.traceId, false)
  const id = checkName('spanId', args.spanId, false)
  const name = checkName('name', args.name, false)
  const parentSpanId = checkOptionalName('parentSpanId', args.parentSpanId)
  const kind = args.kind === undefined ? 'internal' : checkName('kind', args.kind, false)
  const attributes = checkJsonObject('attributes', args.attributes)
  const at = now()
  return {
    type: 'span', phase: 'start', replaceDetails: false, session: plainSeed(sessionId, at),
    record: { id, traceId, sessionId, parentSpanId, name, kind, status: 'running', attributes, error: null, startedAt: at, endedAt: null },
  }
}

/** Validates `aonSpanEnd`'s arguments into a write. @throws ValidationError */
export function spanEndOp(args: SpanEndArgs): WriteOp {
  const sessionId = checkSessionId(args.sessionId)
  const traceId = checkName('traceId', args.traceId, false)
  const id = checkName('spanId', args.spanId, false)
  const status = checkStatus(args.status, SPAN_END)
  const error = args.error === undefined || args.error === null ? null : checkContent(args.error)
  const attributes = checkJsonObject('attributes', args.attributes)
  const at = now()
  return {
    type: 'span', phase: 'end', replaceDetails: hasKeys(attributes), session: plainSeed(sessionId, at),
    record: { id, traceId, sessionId, parentSpanId: null, name: '', kind: 'internal', status, attributes, error, startedAt: at, endedAt: at },
  }
}

/** What a phase of a run, trace or span record means, for stores (see `Phase`). */
export type { Phase }
