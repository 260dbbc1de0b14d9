import { StoreError } from '../../core/errors.js'
import type { AgentState, JsonObject, Message, Session, ToolCall } from '../../core/records.js'
import type { WriteOp } from '../../core/store.js'

/** A nullable string as one script argument: '' for null, 'v' + the value otherwise. */
function nullable(value: string | null): string {
  return value === null ? '' : `v${value}`
}

/** The field of an agent state in its session's agent-state hash. */
function agentStateField(state: AgentState): string {
  return JSON.stringify([state.name, state.agentId])
}

/**
 * One write op as the `WRITE_SCRIPT` arguments (FIELDS_PER_OP of them). Record bodies are
 * JSON built here; the script only splices `"seq"` or `"startedAt"` in front, so values
 * reach Redis and come back byte for byte.
 */
export function encodeOp(op: WriteOp): string[] {
  const s = op.session
  const head = [s.id, nullable(s.userId), nullable(s.agentId), nullable(s.name), JSON.stringify(s.metadata), s.at]
  switch (op.type) {
    case 'message': {
      const r = op.record
      const body = { id: r.id, sessionId: r.sessionId, role: r.role, content: r.content, metadata: r.metadata, createdAt: r.createdAt, runId: r.runId }
      return ['m', ...head, r.id, JSON.stringify(body), '', '', '']
    }
    case 'toolCall': {
      const r = op.record
      const body = {
        id: r.id, sessionId: r.sessionId, toolName: r.toolName, arguments: r.arguments, result: r.result,
        error: r.error, durationMs: r.durationMs, metadata: r.metadata, createdAt: r.createdAt, runId: r.runId,
      }
      return ['t', ...head, r.id, JSON.stringify(body), '', '', '']
    }
    case 'agentState': {
      const r = op.record
      const rest = { sessionId: r.sessionId, name: r.name, agentId: r.agentId, status: r.status, endedAt: r.endedAt, metadata: r.metadata }
      return ['a', ...head, agentStateField(r), JSON.stringify(rest), JSON.stringify(r.startedAt), r.status, nullable(r.endedAt)]
    }
  }
}

/** Parses JSON this store wrote. @throws StoreError `STORE_FAILED` when a key holds something else. */
export function parseStored<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T
  } catch (error) {
    throw new StoreError('STORE_FAILED', `${where} holds a value this store did not write (is another program using the key prefix?)`, { cause: error })
  }
}

function asStrings(reply: unknown, where: string): string[] {
  if (!Array.isArray(reply) || !reply.every((item): item is string => typeof item === 'string')) {
    throw new StoreError('STORE_FAILED', `${where} answered with an unexpected reply`)
  }
  return reply
}

/** A flat `[field, value, …]` HGETALL reply as a map. */
export function toFields(reply: unknown, where: string): Map<string, string> {
  const flat = asStrings(reply, where)
  const fields = new Map<string, string>()
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!)
  return fields
}

/** A session hash as a `Session`, or null when the hash is empty (no such session). */
export function toSession(fields: ReadonlyMap<string, string>, where: string): Session | null {
  const id = fields.get('id')
  const createdAt = fields.get('createdAt')
  const updatedAt = fields.get('updatedAt')
  const metadata = fields.get('metadata')
  if (id === undefined || createdAt === undefined || updatedAt === undefined || metadata === undefined) {
    if (fields.size === 0) return null
    throw new StoreError('STORE_FAILED', `${where} holds a session hash this store did not write`)
  }
  return {
    id,
    userId: fields.get('userId') ?? null,
    agentId: fields.get('agentId') ?? null,
    name: fields.get('name') ?? null,
    metadata: parseStored<JsonObject>(metadata, where),
    createdAt,
    updatedAt,
    endedAt: fields.get('endedAt') ?? null,
  }
}

/** Sorted-set members (record JSON) as records. */
export function toRecords<T extends Message | ToolCall>(reply: unknown, where: string): T[] {
  return asStrings(reply, where).map((member) => parseStored<T>(member, where))
}

/** An agent-state hash as states, ordered like the SQL stores: by startedAt, name, agentId. */
export function toAgentStates(reply: unknown, where: string): AgentState[] {
  const states = [...toFields(reply, where).values()].map((value) => parseStored<AgentState>(value, where))
  const key = (s: AgentState): [string, string, string] => [s.startedAt, s.name, s.agentId]
  return states.sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
    return 0
  })
}
