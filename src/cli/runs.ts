import type { JsonObject, Run } from '../index.js'

/** A run's duration in ms: from its metrics (`durationMs`), else from its start and end. */
export function runDuration(run: Run): number | null {
  const measured = run.metrics['durationMs']
  if (typeof measured === 'number') return measured
  return run.endedAt === null ? null : Date.parse(run.endedAt) - Date.parse(run.startedAt)
}

const number = (metrics: JsonObject, ...names: string[]): number | null => {
  for (const name of names) {
    const value = metrics[name]
    if (typeof value === 'number') return value
  }
  return null
}

/** A run's token count from its metrics: total, else prompt + completion, else `tokens`; null when it says none. */
export function runTokens(run: Run): number | null {
  const m = run.metrics
  const total = number(m, 'totalTokens', 'total_tokens')
  if (total !== null) return total
  const prompt = number(m, 'promptTokens', 'prompt_tokens', 'inputTokens', 'input_tokens')
  const completion = number(m, 'completionTokens', 'completion_tokens', 'outputTokens', 'output_tokens')
  if (prompt !== null || completion !== null) return (prompt ?? 0) + (completion ?? 0)
  return number(m, 'tokens')
}

/** `830 ms`, `12.4 s`, `3 min 5 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}
