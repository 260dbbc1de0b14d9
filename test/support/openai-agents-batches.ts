import type { AgentInputItem } from '@openai/agents'

/** The `b`th batch of appender `tag`: a turn of four items with a tool call, each naming its batch. */
export function appenderBatch(tag: string, b: number): AgentInputItem[] {
  const callId = `call_${tag}_${b}`
  return [
    { role: 'user', content: `${tag}/${b} question` },
    { type: 'function_call', callId, name: 'lookup', arguments: `{"batch":${b}}`, status: 'completed' },
    { type: 'function_call_result', callId, name: 'lookup', status: 'completed', output: { type: 'text', text: `${tag}/${b} result` } },
    { type: 'message', id: `msg_${tag}_${b}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `${tag}/${b} answer` }] },
  ] as AgentInputItem[]
}
