import { newId, type ChatMessage, type RunStatus } from '../index.js'
import { AgentRunError } from './errors.js'
import type { Hooks } from './hooks.js'
import { describeModelError, type Model, type TokenUsage } from './model.js'
import type { AgentSettings } from './options.js'
import { Recorder } from './recorder.js'
import { RunState, type AgentToolCall, type RunScope } from './run-state.js'
import { modelStep, toolSteps } from './steps.js'
import type { ToolSpec } from './tools.js'

/** One run of an agent, as `agent.lastRun` holds it (stored as a run with its trace). */
export interface AgentRun {
  readonly id: string
  readonly traceId: string
  readonly sessionId: string
  readonly status: Exclude<RunStatus, 'running'>
  readonly input: string
  /** The answer, or the partial answer of a run that stopped. */
  readonly output: string
  readonly toolCalls: readonly AgentToolCall[]
  /** Tokens of every model call of the run, summed. */
  readonly usage: TokenUsage
  /** Model calls made. */
  readonly steps: number
  readonly durationMs: number
  /** Why the run did not complete; null when it did. */
  readonly error: AgentRunError | null
}

/** What a run needs from its agent. */
export interface RunSetup {
  readonly settings: AgentSettings
  readonly hooks: Hooks
  readonly model: Model
  readonly tools: readonly ToolSpec[]
  /** The system instructions and the conversation so far. */
  readonly context: readonly ChatMessage[]
}

/** One prompt to answer. */
export interface RunRequest {
  readonly prompt: string
  readonly signal: AbortSignal
  readonly onDelta?: ((text: string) => void) | undefined
}

/** A finished run and the messages it adds to the conversation (a valid sequence, whatever happened). */
export interface RunOutcome {
  readonly run: AgentRun
  readonly messages: readonly ChatMessage[]
}

async function loop(setup: RunSetup, scope: RunScope, onDelta: RunRequest['onDelta']): Promise<void> {
  const { maxSteps } = setup.settings
  for (let step = 1; step <= maxSteps; step++) {
    scope.signal.throwIfAborted()
    const turn = await modelStep(scope, { model: setup.model, prefix: setup.context, tools: setup.tools, step, onDelta })
    if (turn.toolCalls.length === 0) return
    await toolSteps(scope, setup.settings.tools, turn.toolCalls)
  }
  throw new AgentRunError('MAX_STEPS', `run ${scope.runId} reached maxSteps (${maxSteps}) model calls without a final answer; raise maxSteps or check the tools`, { runId: scope.runId, answer: scope.state.answer })
}

function runError(error: unknown, scope: RunScope): AgentRunError {
  if (error instanceof AgentRunError) return error
  const details = { runId: scope.runId, answer: scope.state.answer }
  if (scope.signal.aborted) return new AgentRunError('RUN_INTERRUPTED', `run ${scope.runId} was aborted`, details, { cause: scope.signal.reason })
  return new AgentRunError('MODEL_FAILED', `run ${scope.runId} failed: ${describeModelError(error)}`, details, { cause: error })
}

const statusOf = (error: AgentRunError | null): AgentRun['status'] => (error === null ? 'completed' : error.code === 'RUN_INTERRUPTED' ? 'interrupted' : 'error')

/** Saves what streamed of an unfinished answer, then ends the trace and the run (attempted even after a failed write). */
async function finish(setup: RunSetup, scope: RunScope, request: RunRequest, failure: AgentRunError | null, startedAt: number): Promise<AgentRun> {
  const { sessionId, runId, traceId, recorder, state } = scope
  if (state.unsaved !== '') {
    const partial = state.unsaved
    await recorder.write('partial answer', 'agentMessage', { sessionId, runId, content: partial, metadata: { partial: true, step: state.steps + 1 } })
    if (recorder.failure === null) state.messages.push({ role: 'assistant', content: partial })
  }
  const durationMs = Math.round(performance.now() - startedAt)
  const status = statusOf(failure)
  const metrics = { durationMs, steps: state.steps, toolCalls: state.toolCalls.length, ...state.usage }
  const metadata = { agent: setup.settings.name, ...(failure === null ? {} : { error: failure.message, code: failure.code }) }
  await Promise.all([
    recorder.write('trace end', 'traceEnd', { sessionId, traceId, status: status === 'completed' ? 'ok' : 'error' }, { always: true }),
    recorder.write('run end', 'runEnd', { sessionId, runId, outputContent: state.answer, status, metrics, metadata }, { always: true }),
  ])
  const error = failure ?? recorder.failure
  return {
    id: runId, traceId, sessionId, status: statusOf(error), output: state.answer, toolCalls: [...state.toolCalls],
    usage: state.usage, steps: state.steps, durationMs, error, input: request.prompt,
  }
}

/**
 * Runs one prompt: the run, its trace and the user message are stored, then model calls and
 * tool calls alternate until the model answers without tools (or `maxSteps`). Never rejects:
 * an abort, a model error or a failed write ends the run as `interrupted`/`error` with
 * what was answered so far saved, and is the run's `error`.
 */
export async function executeRun(setup: RunSetup, request: RunRequest): Promise<RunOutcome> {
  const startedAt = performance.now()
  const { sessionId, userId, name, onPersistenceError } = setup.settings
  const runId = newId()
  const state = new RunState()
  const recorder = new Recorder(setup.hooks, onPersistenceError, (step, cause) =>
    new AgentRunError('PERSISTENCE_FAILED', `storing the ${step} of run ${runId} failed; the answer so far is the error's answer`, { runId, answer: state.answer, step }, { cause }))
  const scope: RunScope = { sessionId, runId, traceId: newId(), recorder, signal: request.signal, state }
  let failure: AgentRunError | null = null
  try {
    // Issued together, in this order, the three writes share one commit (group commit).
    await Promise.all([
      recorder.write('run start', 'runStart', { sessionId, runId, inputContent: request.prompt, metadata: { agent: name } }),
      recorder.write('trace start', 'traceStart', { sessionId, traceId: scope.traceId, runId, name: `${name} run`, userId: userId ?? null }),
      recorder.write('user message', 'userMessage', { sessionId, runId, content: request.prompt }),
    ])
    recorder.throwIfFailed()
    state.messages.push({ role: 'user', content: request.prompt })
    await loop(setup, scope, request.onDelta)
  } catch (error) {
    failure = runError(error, scope)
  }
  return { run: await finish(setup, scope, request, failure, startedAt), messages: state.messages }
}
