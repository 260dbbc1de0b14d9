import type { Command } from 'commander'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { shortTime, table } from '../format.js'
import { progress } from '../progress.js'
import { parseAge } from '../values.js'

interface PruneOptions extends GlobalOptions {
  readonly olderThan: number
  readonly user?: string
  readonly ended?: boolean
  readonly dryRun?: boolean
}

export function pruneCommand(program: Command): void {
  program.command('prune')
    .description('delete sessions not written to for a while, with everything in them')
    .requiredOption('--older-than <age>', 'inactive for at least this long: 30d, 12h, 90m', (v) => parseAge('--older-than', v))
    .option('--ended', 'only sessions whose agent ended (and longer ago than the age)')
    .option('--user <id>', 'only sessions of this user')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .action(async (options: PruneOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions>(), ...options }
      const cutoff = new Date(Date.now() - all.olderThan)
      await withDatabase(all, async (db) => {
        const bar = progress(all.dryRun ? 'finding' : 'pruning')
        const result = await db.pruneSessions(
          { inactiveSince: cutoff, endedBefore: all.ended ? cutoff : undefined, userId: all.user, dryRun: all.dryRun === true },
          { onProgress: (n) => bar.update(n) },
        ).finally(() => bar.end())
        const out = stdout()
        if (all.json) return out.json({ dryRun: result.dryRun, cutoff: cutoff.toISOString(), sessions: result.sessions })
        const verb = result.dryRun ? 'would delete' : 'deleted'
        out.line(`${verb} ${result.sessions.length} session${result.sessions.length === 1 ? '' : 's'} inactive since ${shortTime(cutoff.toISOString())}`)
        if (result.sessions.length > 0 && result.dryRun) {
          for (const line of table(['SESSION', 'USER', 'LAST ACTIVE'], result.sessions.map((s) => [s.id, s.userId ?? '—', shortTime(s.updatedAt)]))) out.line(line)
        }
      })
    })
}
