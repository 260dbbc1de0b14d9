import type { Message, SearchHit } from './records.js'
import type { SearchListing } from './store.js'

// Full-text matching for the stores that search by scanning (memory, Redis): the same words
// as the SQL engines' tokenizers see, matched whole and case-insensitively.

const WORD = /[\p{L}\p{N}]+/gu

/** The words of a text: runs of letters and digits, lower case (what a query is reduced to). */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? [])
}

/**
 * How well `content` matches: 0 unless it holds every word of the query; else the number of
 * times the query's words occur in it, so more occurrences rank first.
 */
export function matchScore(words: readonly string[], content: string): number {
  // most messages lack a word: a substring test rules them out before tokenizing
  const lower = content.toLowerCase()
  for (const word of words) if (!lower.includes(word)) return 0
  const counts = new Map<string, number>()
  for (const word of words) counts.set(word, 0)
  for (const token of lower.match(WORD) ?? []) {
    const count = counts.get(token)
    if (count !== undefined) counts.set(token, count + 1)
  }
  let score = 0
  for (const count of counts.values()) {
    if (count === 0) return 0
    score += count
  }
  return score
}

/** A scanning store's page of hits: best score first, ties by session then seq. */
export function rankHits(scored: readonly { readonly score: number; readonly message: Message }[], query: SearchListing): SearchHit[] {
  return [...scored]
    .sort((a, b) => b.score - a.score || (a.message.sessionId < b.message.sessionId ? -1 : a.message.sessionId > b.message.sessionId ? 1 : a.message.seq - b.message.seq))
    .slice(query.offset, query.offset + query.limit)
    .map(({ message }) => ({ sessionId: message.sessionId, seq: message.seq, message }))
}

/** Whether a session passes a search's session filters. */
export function searchesSession(query: SearchListing, session: { readonly id: string; readonly userId: string | null; readonly agentId: string | null }): boolean {
  return (query.sessionId === undefined || session.id === query.sessionId) &&
    (query.userId === undefined || session.userId === query.userId) &&
    (query.agentId === undefined || session.agentId === query.agentId)
}
