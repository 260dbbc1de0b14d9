import type {
  AgentEventArgs, ChatMessage, MessageArgs, PraisonAIDB, RunEndArgs, RunStartArgs, SpanEndArgs, SpanStartArgs, ToolCallArgs,
  TraceEndArgs, TraceStartArgs,
} from '../index.js'

/**
 * The hooks a run calls, on one surface of a `PraisonAIDB`: the `aon*` hooks, or the `on*`
 * twins (each settled at once into a promise, so one loop serves both).
 */
export interface Hooks {
  agentStart(args: AgentEventArgs): Promise<unknown>
  history(sessionId: string, limit: number | undefined): Promise<ChatMessage[]>
  userMessage(args: MessageArgs): Promise<void>
  agentMessage(args: MessageArgs): Promise<void>
  toolCall(args: ToolCallArgs): Promise<void>
  agentEnd(args: AgentEventArgs): Promise<void>
  runStart(args: RunStartArgs): Promise<void>
  runEnd(args: RunEndArgs): Promise<void>
  traceStart(args: TraceStartArgs): Promise<void>
  traceEnd(args: TraceEndArgs): Promise<void>
  spanStart(args: SpanStartArgs): Promise<void>
  spanEnd(args: SpanEndArgs): Promise<void>
}

/** A write hook's name. */
export type WriteHook = Exclude<keyof Hooks, 'history'>

const query = (limit: number | undefined): { limit?: number } => (limit === undefined ? {} : { limit })

/** The `aon*` hooks of `db`. */
export function asyncHooks(db: PraisonAIDB): Hooks {
  return {
    agentStart: (a) => db.aonAgentStart(a),
    history: (id, limit) => db.getHistory(id, query(limit)),
    userMessage: (a) => db.aonUserMessage(a),
    agentMessage: (a) => db.aonAgentMessage(a),
    toolCall: (a) => db.aonToolCall(a),
    agentEnd: (a) => db.aonAgentEnd(a),
    runStart: (a) => db.aonRunStart(a),
    runEnd: (a) => db.aonRunEnd(a),
    traceStart: (a) => db.aonTraceStart(a),
    traceEnd: (a) => db.aonTraceEnd(a),
    spanStart: (a) => db.aonSpanStart(a),
    spanEnd: (a) => db.aonSpanEnd(a),
  }
}

/** Runs a synchronous hook now; its result or throw as a settled promise. */
const settled = <A extends unknown[], R>(hook: (...args: A) => R) => (...args: A): Promise<R> => {
  try {
    return Promise.resolve(hook(...args))
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

/** The synchronous `on*` hooks of `db` (and its `*Sync` reads). */
export function syncHooks(db: PraisonAIDB): Hooks {
  return {
    agentStart: settled((a: AgentEventArgs) => db.onAgentStart(a)),
    history: settled((id: string, limit: number | undefined) => db.getHistorySync(id, query(limit))),
    userMessage: settled((a: MessageArgs) => db.onUserMessage(a)),
    agentMessage: settled((a: MessageArgs) => db.onAgentMessage(a)),
    toolCall: settled((a: ToolCallArgs) => db.onToolCall(a)),
    agentEnd: settled((a: AgentEventArgs) => db.onAgentEnd(a)),
    runStart: settled((a: RunStartArgs) => db.onRunStart(a)),
    runEnd: settled((a: RunEndArgs) => db.onRunEnd(a)),
    traceStart: settled((a: TraceStartArgs) => db.onTraceStart(a)),
    traceEnd: settled((a: TraceEndArgs) => db.onTraceEnd(a)),
    spanStart: settled((a: SpanStartArgs) => db.onSpanStart(a)),
    spanEnd: settled((a: SpanEndArgs) => db.onSpanEnd(a)),
  }
}

const done = (): Promise<void> => Promise.resolve()

/** No store: every write is a no-op and there is no history. */
export const NO_HOOKS: Hooks = {
  agentStart: done, history: () => Promise.resolve([]), userMessage: done, agentMessage: done, toolCall: done, agentEnd: done,
  runStart: done, runEnd: done, traceStart: done, traceEnd: done, spanStart: done, spanEnd: done,
}
