import type { Command } from 'commander'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { shortTime, table } from '../format.js'
import { parsePositive } from '../values.js'

interface SearchOptions extends GlobalOptions {
  readonly user?: string
  readonly agent?: string
  readonly session?: string
  readonly limit: number
}

/** The part of `content` around the first word of the query that it holds, on one line. */
export function snippet(content: string, words: readonly string[], width = 60): string {
  const flat = content.replace(/\s+/g, ' ')
  const lower = flat.toLowerCase()
  const at = Math.max(0, Math.min(...words.map((w) => lower.indexOf(w.toLowerCase())).filter((i) => i >= 0), flat.length))
  const start = Math.max(0, Math.min(at - 20, flat.length - width))
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + width)}${start + width < flat.length ? '…' : ''}`
}

export function searchCommand(program: Command): void {
  program.command('search')
    .description('find messages by words, best match first')
    .argument('<text>', 'the words to find')
    .option('--user <id>', 'only sessions of this user')
    .option('--agent <id>', 'only sessions of this agent')
    .option('--session <id>', 'only this session')
    .option('--limit <n>', 'at most this many', (v) => parsePositive('--limit', v), 20)
    .action(async (text: string, options: SearchOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions>(), ...options }
      await withDatabase(all, async (db) => {
        const page = await db.searchMessages({ query: text, userId: all.user, agentId: all.agent, sessionId: all.session, limit: Math.min(all.limit, 1000) })
        const out = stdout()
        if (all.json) return out.json(page.items)
        if (page.items.length === 0) return out.line('no messages match')
        const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')
        const rows = page.items.map((h) => [h.sessionId, String(h.seq), h.message.role, shortTime(h.message.createdAt), snippet(h.message.content, words)])
        for (const line of table(['SESSION', 'SEQ', 'ROLE', 'WRITTEN', 'MATCH'], rows, 64)) out.line(line)
      })
    })
}
