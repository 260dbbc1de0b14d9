// praisonai-ts's persistence protocol (`DbAdapter`, on its main branch under src/db/types.ts),
// written out here because no published `praisonai` exports it (1.0.19 takes no `db`). Shapes
// follow theirs: times are epoch milliseconds, optional fields are absent rather than null.

/** Metadata as praisonai passes it: a JSON object (agentdb refuses what JSON cannot keep). */
export type DbMetadata = Record<string, unknown>

/** A conversation. */
export interface DbSession {
  id: string
  createdAt: number
  updatedAt: number
  metadata?: DbMetadata
}

/**
 * One chat message. `content` is null on an assistant turn that only called tools; such a
 * turn carries `toolCalls` (`{ id, type: 'function', function: { name, arguments } }`), and
 * the `tool` message answering one carries its `toolCallId` (and the tool's `name`).
 */
export interface DbMessage {
  id: string
  sessionId: string
  runId?: string
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string | null
  name?: string
  toolCallId?: string
  toolCalls?: unknown[]
  createdAt: number
  metadata?: DbMetadata
}

/** One tool execution of a run; `arguments` and `result` are text. */
export interface DbToolCall {
  id: string
  runId: string
  name: string
  arguments: string
  result?: string
  status: 'pending' | 'completed' | 'failed'
  startedAt: number
  completedAt?: number
  error?: string
}

/** Token counts of a run. */
export interface DbTokenUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
}

/** One run of an agent in a session. */
export interface DbRun {
  id: string
  sessionId: string
  agentName?: string
  status: 'pending' | 'running' | 'completed' | 'failed'
  startedAt: number
  completedAt?: number
  error?: string
  metadata?: DbMetadata
  tokenUsage?: DbTokenUsage
}

/** A timed step of a trace, possibly inside another (`parentId`). */
export interface DbSpan {
  id: string
  traceId: string
  parentId?: string
  name: string
  startedAt: number
  completedAt?: number
  status: 'pending' | 'running' | 'completed' | 'failed'
  attributes?: DbMetadata
}

/** A trace of a session's work. */
export interface DbTrace {
  id: string
  sessionId: string
  runId?: string
  agentName?: string
  startedAt: number
  completedAt?: number
  status: 'pending' | 'running' | 'completed' | 'failed'
  metadata?: DbMetadata
}

/** praisonai-ts's database adapter: what its `Agent` takes as `db`. */
export interface DbAdapter {
  createSession(session: DbSession): Promise<void>
  getSession(id: string): Promise<DbSession | null>
  updateSession(id: string, updates: Partial<DbSession>): Promise<void>
  deleteSession(id: string): Promise<void>
  listSessions(limit?: number, offset?: number): Promise<DbSession[]>

  saveMessage(message: DbMessage): Promise<void>
  getMessages(sessionId: string, limit?: number): Promise<DbMessage[]>
  deleteMessages(sessionId: string): Promise<void>

  createRun(run: DbRun): Promise<void>
  getRun(id: string): Promise<DbRun | null>
  updateRun(id: string, updates: Partial<DbRun>): Promise<void>
  listRuns(sessionId: string, limit?: number): Promise<DbRun[]>

  saveToolCall(toolCall: DbToolCall): Promise<void>
  getToolCalls(runId: string): Promise<DbToolCall[]>

  createTrace(trace: DbTrace): Promise<void>
  getTrace(id: string): Promise<DbTrace | null>
  updateTrace(id: string, updates: Partial<DbTrace>): Promise<void>

  createSpan(span: DbSpan): Promise<void>
  getSpans(traceId: string): Promise<DbSpan[]>
  updateSpan(id: string, updates: Partial<DbSpan>): Promise<void>

  connect(): Promise<void>
  disconnect(): Promise<void>
  isConnected(): boolean
}
