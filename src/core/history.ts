import type { ChatMessage, ChatToolCall, Message, TimelineItem, ToolCall } from './records.js'

/** What a tool message says when its call never returned (the process stopped mid-call). */
export const INTERRUPTED_RESULT = 'error: the tool call was interrupted before it returned a result'

function toolContent(call: ToolCall): string {
  if (call.error !== null) return `error: ${call.error}`
  return typeof call.result === 'string' ? call.result : JSON.stringify(call.result)
}

const asChatCall = (id: string, name: string, args: string): ChatToolCall => ({ id, type: 'function', function: { name, arguments: args } })

/**
 * A session's timeline as OpenAI Chat Completions messages that any provider accepts:
 * every assistant turn that asked for tools is followed at once by one result per call
 * (an interrupted call gets an error result), and no tool result stands alone — a tool call
 * recorded without the assistant turn that asked for it (the seed's `aonToolCall`) becomes
 * that turn and its result. Messages of role `tool` (a user store's rendering of tool calls)
 * carry no call id and are left out.
 */
export function chatHistory(timeline: readonly TimelineItem[]): ChatMessage[] {
  const results = new Map<string, ToolCall>()
  for (const item of timeline) {
    if (item.kind === 'toolCall' && item.toolCall.toolCallId !== null && !results.has(item.toolCall.toolCallId)) {
      results.set(item.toolCall.toolCallId, item.toolCall)
    }
  }
  const answered = new Set<string>()
  const out: ChatMessage[] = []
  const assistantTurn = (message: Message): void => {
    const calls = message.toolCalls ?? []
    if (calls.length === 0) {
      out.push({ role: 'assistant', content: message.content })
      return
    }
    out.push({ role: 'assistant', content: message.content === '' ? null : message.content, tool_calls: calls.map((c) => asChatCall(c.id, c.name, c.arguments)) })
    for (const call of calls) {
      const result = results.get(call.id)
      if (result !== undefined) answered.add(result.id)
      out.push({ role: 'tool', tool_call_id: call.id, content: result === undefined ? INTERRUPTED_RESULT : toolContent(result) })
    }
  }
  for (const item of timeline) {
    if (item.kind === 'message') {
      const m = item.message
      if (m.role === 'assistant') assistantTurn(m)
      else if (m.role === 'user' || m.role === 'system') out.push({ role: m.role, content: m.content })
      continue
    }
    const call = item.toolCall
    if (answered.has(call.id)) continue
    const id = call.toolCallId ?? `call_${call.id}`
    out.push({ role: 'assistant', content: null, tool_calls: [asChatCall(id, call.toolName, JSON.stringify(call.arguments))] })
    out.push({ role: 'tool', tool_call_id: id, content: toolContent(call) })
    answered.add(call.id)
  }
  return out
}

/** Whether a timeline item starts a turn: a user message. */
const startsTurn = (item: TimelineItem): boolean => item.kind === 'message' && item.message.role === 'user'

/**
 * The last `turns` whole turns of a timeline window (a turn: a user message and everything
 * up to the next one), and whether the window was wide enough to know: it was if it holds
 * at least `turns` turn starts, or it reaches the session's first item (`complete`).
 */
export function lastTurns(window: readonly TimelineItem[], turns: number, complete: boolean): readonly TimelineItem[] | undefined {
  let seen = 0
  for (let i = window.length - 1; i >= 0; i--) {
    if (!startsTurn(window[i]!)) continue
    seen += 1
    if (seen === turns) return window.slice(i)
  }
  return complete ? window : undefined
}

/** The first window `getHistory` reads for `turns` turns; it grows fourfold until wide enough. */
export const firstWindow = (turns: number): number => Math.max(64, turns * 16)
