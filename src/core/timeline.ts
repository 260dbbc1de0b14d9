import type { HistoryQuery, Message, TimelineItem, ToolCall } from './records.js'

/** Interleaves messages and tool calls by `seq`, keeping the last `limit` items. */
export function mergeTimeline(messages: readonly Message[], toolCalls: readonly ToolCall[], query: HistoryQuery): readonly TimelineItem[] {
  const items: TimelineItem[] = [
    ...messages.map((message): TimelineItem => ({ kind: 'message', seq: message.seq, message })),
    ...toolCalls.map((toolCall): TimelineItem => ({ kind: 'toolCall', seq: toolCall.seq, toolCall })),
  ].sort((a, b) => a.seq - b.seq)
  return query.limit !== undefined && items.length > query.limit ? items.slice(items.length - query.limit) : items
}
