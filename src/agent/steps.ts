import { newId, type ChatMessage } from '../index.js'
import { describeModelError, type Model, type ModelTurn } from './model.js'
import type { RunScope } from './run-state.js'
import { executeTool, toolContent, type AgentTool, type ToolOutcome, type ToolSpec } from './tools.js'

/** What a model step sends besides this run's messages. */
export interface ModelStepInput {
  readonly model: Model
  /** The system instructions and the prior conversation. */
  readonly prefix: readonly ChatMessage[]
  readonly tools: readonly ToolSpec[]
  readonly step: number
  readonly onDelta: ((text: string) => void) | undefined
}

const usageJson = (turn: ModelTurn) => (turn.usage === null ? null : { ...turn.usage })

/**
 * One model call in a span of kind `llm`, then its answer stored as the agent message (with
 * the tool calls it asked for, model, usage and latency in metadata). Rejects with the
 * model's error; streamed text stays in `state.unsaved` for the run's end to save.
 */
export async function modelStep(scope: RunScope, input: ModelStepInput): Promise<ModelTurn> {
  const { sessionId, traceId, runId, recorder, state } = scope
  const spanId = newId()
  // The span's start is written while the model thinks; writes commit in call order.
  const spanStarted = recorder.write('model span start', 'spanStart', { sessionId, traceId, spanId, name: `chat ${input.model.name}`, kind: 'llm', attributes: { model: input.model.name, step: input.step } })
  const started = performance.now()
  const latency = (): number => Math.round(performance.now() - started)
  const onDelta = input.onDelta
  state.unsaved = ''
  let turn: ModelTurn
  try {
    turn = await input.model.call({
      messages: [...input.prefix, ...state.messages], tools: input.tools, signal: scope.signal,
      onDelta: onDelta === undefined ? undefined : (text) => { state.unsaved += text; state.answer = state.unsaved; onDelta(text) },
    })
  } catch (error) {
    await spanStarted
    await recorder.write('model span end', 'spanEnd', { sessionId, traceId, spanId, status: 'error', error: describeModelError(error), attributes: { latencyMs: latency() } })
    throw error
  }
  await spanStarted
  const latencyMs = latency()
  state.steps = input.step
  state.addUsage(turn.usage)
  const usage = usageJson(turn)
  if (turn.content !== '' || turn.toolCalls.length === 0) state.answer = turn.content
  state.unsaved = ''
  // Issued together, the two writes share one commit (group commit).
  await Promise.all([
    recorder.write('model span end', 'spanEnd', { sessionId, traceId, spanId, status: 'ok', attributes: { model: turn.model, latencyMs, finishReason: turn.finishReason, usage } }),
    recorder.write('agent message', 'agentMessage', {
      sessionId, runId, content: turn.content, toolCalls: turn.toolCalls.length === 0 ? null : turn.toolCalls,
      metadata: { model: turn.model, usage, latencyMs, step: input.step, finishReason: turn.finishReason },
    }),
  ])
  // Stop before the turn joins the conversation: its tool calls will not run, so it must not ask for them.
  recorder.throwIfFailed()
  state.messages.push(turn.toolCalls.length === 0
    ? { role: 'assistant', content: turn.content }
    : { role: 'assistant', content: turn.content === '' ? null : turn.content, tool_calls: turn.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) })
  return turn
}

/** One tool call in a span of kind `tool`, then stored with its result or error and duration. */
async function toolStep(scope: RunScope, tools: ReadonlyMap<string, AgentTool>, call: ModelTurn['toolCalls'][number]): Promise<ToolOutcome> {
  const { sessionId, traceId, runId, recorder, state } = scope
  const spanId = newId()
  const spanStarted = recorder.write(`tool span start ${call.name}`, 'spanStart', { sessionId, traceId, spanId, name: call.name, kind: 'tool', attributes: { toolCallId: call.id } })
  const outcome = await executeTool(tools, call, scope.signal)
  await spanStarted
  await Promise.all([
    recorder.write(`tool span end ${call.name}`, 'spanEnd', {
      sessionId, traceId, spanId, status: outcome.error === null ? 'ok' : 'error', error: outcome.error, attributes: { durationMs: outcome.durationMs },
    }),
    recorder.write(`tool call ${call.name}`, 'toolCall', {
      sessionId, runId, toolName: call.name, arguments: outcome.arguments, result: outcome.result, error: outcome.error,
      durationMs: outcome.durationMs, toolCallId: call.id,
    }),
  ])
  state.toolCalls.push({ id: call.id, name: call.name, arguments: outcome.arguments, result: outcome.result, error: outcome.error, durationMs: outcome.durationMs })
  return outcome
}

/**
 * Runs the calls of one assistant turn in parallel; their results follow the turn in the
 * order the model asked for them, so the conversation stays valid whatever fails.
 */
export async function toolSteps(scope: RunScope, tools: ReadonlyMap<string, AgentTool>, calls: ModelTurn['toolCalls']): Promise<void> {
  const outcomes = await Promise.all(calls.map((call) => toolStep(scope, tools, call)))
  for (const outcome of outcomes) scope.state.messages.push({ role: 'tool', tool_call_id: outcome.call.id, content: toolContent(outcome) })
  scope.recorder.throwIfFailed()
}
