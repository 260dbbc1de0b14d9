import { AgentDBError, type ErrorCode } from '../index.js'

/** The codes of a run that did not complete. */
export type AgentRunErrorCode = Extract<ErrorCode, 'RUN_INTERRUPTED' | 'MODEL_FAILED' | 'MAX_STEPS' | 'PERSISTENCE_FAILED'>

/**
 * A run that did not complete: aborted (`RUN_INTERRUPTED`), the model failed after its retries
 * (`MODEL_FAILED`), the loop reached `maxSteps` (`MAX_STEPS`), or a step could not be stored
 * (`PERSISTENCE_FAILED`, `step` names it). `answer` holds the answer as far as the model got
 * (the whole answer when only its storing failed); `cause` the underlying error.
 */
export class AgentRunError extends AgentDBError {
  /** The run's id (its record in `getRuns`, unless storing it failed). */
  readonly runId: string
  /** The answer, or as much of it as the model gave. */
  readonly answer: string
  /** `PERSISTENCE_FAILED`: the step that could not be stored (`user message`, `tool call get_weather` …); else null. */
  readonly step: string | null

  constructor(code: AgentRunErrorCode, message: string, details: { readonly runId: string; readonly answer: string; readonly step?: string | null }, options?: ErrorOptions) {
    super(code, message, options)
    this.runId = details.runId
    this.answer = details.answer
    this.step = details.step ?? null
  }
}
