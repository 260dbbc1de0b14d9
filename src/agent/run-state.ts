import type { ChatMessage, JsonObject, JsonValue } from '../index.js'
import type { TokenUsage } from './model.js'
import type { Recorder } from './recorder.js'

/** One tool call of a run, as `agent.lastRun` lists it. */
export interface AgentToolCall {
  /** The provider's id of the call. */
  readonly id: string
  readonly name: string
  readonly arguments: JsonObject
  readonly result: JsonValue
  readonly error: string | null
  readonly durationMs: number
}

/** What a run has done so far; the steps update it, the run's end reads it. */
export class RunState {
  /** The latest assistant text: the answer, or as much of it as has streamed. */
  answer = ''
  /** Text streamed by a model call whose message is not stored yet (saved if the run stops). */
  unsaved = ''
  steps = 0
  readonly toolCalls: AgentToolCall[] = []
  /** This run's conversation (user, assistant and tool messages), always a valid sequence. */
  readonly messages: ChatMessage[] = []
  #usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }

  get usage(): TokenUsage {
    return this.#usage
  }

  addUsage(usage: TokenUsage | null): void {
    if (usage === null) return
    const u = this.#usage
    this.#usage = { promptTokens: u.promptTokens + usage.promptTokens, completionTokens: u.completionTokens + usage.completionTokens, totalTokens: u.totalTokens + usage.totalTokens }
  }
}

/** The ids and means of one run, shared by its steps. */
export interface RunScope {
  readonly sessionId: string
  readonly runId: string
  readonly traceId: string
  readonly recorder: Recorder
  readonly signal: AbortSignal
  readonly state: RunState
}
