// One job: turn a write hook's arguments (positional or object form) into its WriteOp, once for
// the `aon*` and `on*` twins, and hand it to the runtime; the agent-start resume read lives here too.
// The hot path (`aonUserMessage`) is one call of `queued`: no closure or promise beyond the runtime's.
import { ConfigError } from '../errors.js'
import { agentStateOp, isObjectForm, messageOp, type AgentEventArgs, type MessageArgs, type ToolCallArgs } from '../hook-args.js'
import type { Message } from '../records.js'
import type { RunEndArgs, RunStartArgs } from '../run-args.js'
import type { WriteOp } from '../store.js'
import type { SessionAccess } from '../user-scope.js'

type Metadata = AgentEventArgs['metadata']
type ToolArguments = ToolCallArgs['arguments']

/** `aonAgentStart`/`aonAgentEnd`'s arguments in object form. */
export const agentArgs = (first: string | AgentEventArgs, name?: string, agentId?: string, metadata?: Metadata): AgentEventArgs =>
  isObjectForm(first) ? first : { sessionId: first, name: name as string, agentId, metadata }

/** `aonUserMessage`/`aonAgentMessage`'s arguments in object form. */
export const messageArgs = (first: string | MessageArgs, content?: string, metadata?: Metadata): MessageArgs =>
  isObjectForm(first) ? first : { sessionId: first, content: content as string, metadata }

/** `aonToolCall`'s arguments in object form. */
export const toolArgs = (first: string | ToolCallArgs, toolName?: string, args?: ToolArguments, result?: unknown, metadata?: Metadata): ToolCallArgs =>
  isObjectForm(first) ? first : { sessionId: first, toolName: toolName as string, arguments: args as ToolArguments, result, metadata }

/** `aonRunStart`'s arguments in object form. */
export const runStartArgs = (first: string | RunStartArgs, runId?: string, inputContent?: string, metadata?: Metadata): RunStartArgs =>
  isObjectForm(first) ? first : { sessionId: first, runId: runId as string, inputContent: inputContent as string, metadata }

/** `aonRunEnd`'s arguments in object form. */
export const runEndArgs = (
  first: string | RunEndArgs, runId?: string, outputContent?: string, status?: RunEndArgs['status'], metrics?: Metadata, metadata?: Metadata,
): RunEndArgs =>
  isObjectForm(first) ? first : { sessionId: first, runId: runId as string, outputContent: outputContent as string, status: status as RunEndArgs['status'], metrics, metadata }

export const userMessageOp = (args: MessageArgs): WriteOp => messageOp('user', args)
export const agentMessageOp = (args: MessageArgs): WriteOp => messageOp('assistant', args)
export const agentEndOp = (args: AgentEventArgs): WriteOp => agentStateOp('ended', args)

/**
 * Queues the op `build` makes of `args`; invalid arguments reject (an async hook never throws)
 * and queue nothing. `build` is a module-level function, so a call allocates no closure.
 */
export function queued<A>(access: SessionAccess, build: (args: A) => WriteOp, args: A): Promise<void> {
  try {
    return access.write(build(args))
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

const isMissingReads = (error: unknown): boolean => error instanceof ConfigError && error.code === 'CAPABILITY_MISSING'

/** The prior messages for a resume; a store that cannot read (a write-only user store) resumes nothing. */
function noHistoryWithoutReads(error: unknown): readonly Message[] {
  if (isMissingReads(error)) return []
  throw error
}

/** `aonAgentStart`: records the start, then reads the session's prior messages (after the write). */
export function startAgent(access: SessionAccess, args: AgentEventArgs): Promise<readonly Message[]> {
  try {
    const op = agentStateOp('started', args)
    return access.writeThenRead(op, (store) => store.getMessages(op.session.id, {}).catch(noHistoryWithoutReads))
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

/** `onAgentStart`: `startAgent` on the synchronous surface. */
export function startAgentSync(access: SessionAccess, args: AgentEventArgs): readonly Message[] {
  const op = agentStateOp('started', args)
  access.writeSync(op)
  try {
    return access.readSync((store) => store.getMessages(op.session.id, {}), true)
  } catch (error) {
    return noHistoryWithoutReads(error)
  }
}
