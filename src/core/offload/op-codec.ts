import { JsonText } from '../json-text.js'
import type { AgentState, AssistantToolCall, JsonObject, JsonValue, Role } from '../records.js'
import type { NewMessage, NewToolCall, SessionSeed, WriteOp } from '../store.js'

const MESSAGE = 0
const TOOL_CALL = 1
const AGENT_STATE = 2
/** A run, trace, span, edit or session key op, carried whole: a few per agent run, not worth a layout of their own. */
const WHOLE = 3
/** Added to a tag when the seed that follows is left out (see `isPlainSeed`). */
const PLAIN_SEED = 8
const NEGATIVE_ZERO = '-0'

function isEmpty(value: JsonObject): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return false
  return true
}

/** A seed with nothing but the record's session id and time, which `plainSeed` rebuilds. */
function isPlainSeed(s: SessionSeed, sessionId: string, at: string): boolean {
  return s.id === sessionId && s.at === at && s.userId === null && s.agentId === null && s.name === null && isEmpty(s.metadata)
}

const plainSeed = (id: string, at: string): SessionSeed => ({ id, userId: null, agentId: null, name: null, metadata: {}, at })

/** Separates the fields from the JSON texts; JSON.stringify never writes a raw line feed. */
const SECTION = '\n'

/** Pushes the tag, then the seed unless it is plain. */
function pushHead(out: unknown[], json: string[], tag: number, s: SessionSeed, sessionId: string, at: string): void {
  if (isPlainSeed(s, sessionId, at)) {
    out.push(tag + PLAIN_SEED)
  } else {
    out.push(tag, s.id, s.userId, s.agentId, s.name, s.at)
    json.push(JSON.stringify(s.metadata))
  }
}

/**
 * A batch of writes as one JSON string for `decodeOps`, to cross to a store's worker thread.
 * Posting a string copies its bytes; posting the ops clones hundreds of small objects, which
 * measured about twice the time on each side at 200 messages (the sending side's share
 * stalls the event loop once per commit).
 *
 * Each op is a tag and its fields in a fixed order, in one flat array for the whole batch,
 * so no key is written per op; a seed that only names the record's session at the record's
 * time (every message and tool call) is left out. JSON fields (metadata, arguments, result)
 * are serialized once each and follow the fields' array as lines of their own (no escaping
 * inside a string); they arrive as `JsonText`, which a SQL store binds as it is, so each is
 * serialized once on its way to the database (issue 8). Validation makes every value
 * JSON (`checkJson`), so the round trip is exact but for -0: a `durationMs` of -0 is carried
 * as a string, and inside a JSON value -0 arrives as 0, as the JSON text of every store keeps it.
 */
export function encodeOps(ops: readonly WriteOp[]): string {
  const out: unknown[] = []
  const json: string[] = []
  for (const op of ops) {
    switch (op.type) {
      case 'message': {
        const r = op.record
        pushHead(out, json, MESSAGE, op.session, r.sessionId, r.createdAt)
        out.push(r.id, r.sessionId, r.role, r.content, r.createdAt, r.runId, r.toolCalls)
        json.push(JSON.stringify(r.metadata))
        break
      }
      case 'toolCall': {
        const r = op.record
        pushHead(out, json, TOOL_CALL, op.session, r.sessionId, r.createdAt)
        const durationMs = Object.is(r.durationMs, -0) ? NEGATIVE_ZERO : r.durationMs
        out.push(r.id, r.sessionId, r.toolName, r.error, durationMs, r.createdAt, r.runId, r.toolCallId)
        json.push(JSON.stringify(r.arguments), JSON.stringify(r.result), JSON.stringify(r.metadata))
        break
      }
      case 'agentState': {
        const r = op.record
        out.push(AGENT_STATE, op.session.id, op.session.userId, op.session.agentId, op.session.name, op.session.at)
        out.push(r.sessionId, r.name, r.agentId, r.status, r.startedAt, r.endedAt)
        json.push(JSON.stringify(op.session.metadata), JSON.stringify(r.metadata))
        break
      }
      case 'run':
      case 'trace':
      case 'span':
      case 'edit':
      case 'sessionKey':
        out.push(WHOLE, op)
        break
    }
  }
  return JSON.stringify(out) + SECTION + json.join(SECTION)
}

/** Reads the fields of `encodeOps`' array and its JSON texts, each in order. */
class Fields {
  readonly #values: readonly unknown[]
  readonly #json: readonly string[]
  #at = 0
  #jsonAt = 0

  constructor(values: readonly unknown[], json: readonly string[]) {
    this.#values = values
    this.#json = json
  }

  get done(): boolean {
    return this.#at >= this.#values.length
  }

  next(): unknown {
    return this.#values[this.#at++]
  }

  string(): string {
    return this.next() as string
  }

  nullableString(): string | null {
    return this.next() as string | null
  }

  json(): JsonObject {
    return new JsonText(this.#json[this.#jsonAt++]!).asObject()
  }

  jsonValue(): JsonValue {
    return new JsonText(this.#json[this.#jsonAt++]!).asValue()
  }

  seed(): SessionSeed {
    return { id: this.string(), userId: this.nullableString(), agentId: this.nullableString(), name: this.nullableString(), at: this.string(), metadata: this.json() }
  }
}

/** The batch `encodeOps` encoded, field for field. */
export function decodeOps(text: string): WriteOp[] {
  const cut = text.indexOf(SECTION)
  const f = new Fields(JSON.parse(cut < 0 ? text : text.slice(0, cut)) as unknown[], cut < 0 ? [] : text.slice(cut + 1).split(SECTION))
  const ops: WriteOp[] = []
  while (!f.done) {
    const head = f.next() as number
    if (head === WHOLE) {
      ops.push(f.next() as WriteOp)
      continue
    }
    const tag = head & ~PLAIN_SEED
    const given = head & PLAIN_SEED ? undefined : f.seed()
    if (tag === MESSAGE) {
      const record: NewMessage = {
        id: f.string(), sessionId: f.string(), role: f.string() as Role, content: f.string(), createdAt: f.string(), runId: f.nullableString(),
        toolCalls: f.next() as readonly AssistantToolCall[] | null, metadata: f.json(),
      }
      ops.push({ type: 'message', session: given ?? plainSeed(record.sessionId, record.createdAt), record })
    } else if (tag === TOOL_CALL) {
      const id = f.string()
      const sessionId = f.string()
      const toolName = f.string()
      const error = f.nullableString()
      const duration = f.next() as number | string | null
      const durationMs = duration === NEGATIVE_ZERO ? -0 : duration as number | null
      const record: NewToolCall = {
        id, sessionId, toolName, arguments: f.json(), result: f.jsonValue(), error, durationMs, metadata: f.json(), createdAt: f.string(),
        runId: f.nullableString(), toolCallId: f.nullableString(),
      }
      ops.push({ type: 'toolCall', session: given ?? plainSeed(sessionId, record.createdAt), record })
    } else {
      const record: AgentState = {
        sessionId: f.string(), name: f.string(), agentId: f.string(), status: f.string() as AgentState['status'],
        startedAt: f.string(), endedAt: f.nullableString(), metadata: f.json(),
      }
      ops.push({ type: 'agentState', session: given!, record })
    }
  }
  return ops
}
