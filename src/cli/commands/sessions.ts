import type { Command } from 'commander'
import type { PraisonAIDB, Session } from '../../index.js'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { shortTime, table } from '../format.js'
import { parsePositive, parseTime } from '../values.js'

interface SessionsOptions extends GlobalOptions {
  readonly user?: string
  readonly agent?: string
  readonly since?: string
  readonly limit: number
}

/** A session with how many entries (messages and tool calls) it holds: its last `seq`. */
async function withEntries(db: PraisonAIDB, session: Session): Promise<Session & { readonly entries: number }> {
  const last = await db.getTimeline(session.id, { limit: 1 })
  return { ...session, entries: last[0]?.seq ?? 0 }
}

/** Sessions newest first, paged through until `limit` match (`since`: active at or after). */
async function collect(db: PraisonAIDB, options: SessionsOptions): Promise<Session[]> {
  const since = options.since === undefined ? undefined : parseTime('--since', options.since)
  const found: Session[] = []
  let cursor: string | null = null
  do {
    const page = await db.listSessions({ userId: options.user, agentId: options.agent, limit: Math.min(1000, options.limit), cursor })
    for (const session of page.items) {
      if (since === undefined || session.updatedAt >= since) found.push(session)
      if (found.length === options.limit) return found
    }
    cursor = since === undefined ? null : page.nextCursor // without --since, one page holds the limit
  } while (cursor !== null)
  return found
}

export function sessionsCommand(program: Command): void {
  program.command('sessions')
    .description('list sessions, newest first')
    .option('--user <id>', 'only sessions of this user')
    .option('--agent <id>', 'only sessions of this agent')
    .option('--since <date>', 'only sessions active since (ISO date, or an age such as 7d, 12h)')
    .option('--limit <n>', 'at most this many', (v) => parsePositive('--limit', v), 50)
    .action(async (options: SessionsOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions>(), ...options }
      await withDatabase(all, async (db) => {
        const sessions = await Promise.all((await collect(db, all)).map((s) => withEntries(db, s)))
        const out = stdout()
        if (all.json) return out.json(sessions)
        if (sessions.length === 0) return out.line('no sessions')
        const rows = sessions.map((s) => [s.id, s.userId ?? '—', s.agentId ?? s.name ?? '—', String(s.entries), shortTime(s.createdAt), shortTime(s.updatedAt)])
        for (const line of table(['SESSION', 'USER', 'AGENT', 'ENTRIES', 'STARTED', 'LAST ACTIVE'], rows)) out.line(line)
      })
    })
}
