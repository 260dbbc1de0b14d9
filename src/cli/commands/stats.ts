import type { Command } from 'commander'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { shortTime, table } from '../format.js'

export function statsCommand(program: Command): void {
  program.command('stats')
    .description('count what the database holds')
    .action(async (_options: object, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      await withDatabase(options, async (db) => {
        const [stats, info] = await Promise.all([db.stats(), db.storeInfo()])
        const out = stdout()
        if (options.json) return out.json({ ...stats, backend: info.backend, schemaVersion: info.schemaVersion })
        const rows = [
          ['sessions', String(stats.sessions)], ['messages', String(stats.messages)], ['tool calls', String(stats.toolCalls)],
          ['agent states', String(stats.agentStates)], ['runs', String(stats.runs)], ['traces', String(stats.traces)], ['spans', String(stats.spans)],
          ['oldest session', shortTime(stats.oldestSession)], ['last activity', shortTime(stats.newestActivity)],
          ['store', `${info.backend}${info.schemaVersion === null ? '' : ` (schema ${info.schemaVersion})`}`],
        ]
        for (const line of table(['WHAT', 'COUNT'], rows)) out.line(line)
      })
    })
}
