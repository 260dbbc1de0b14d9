import type { Command } from 'commander'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'
import { table } from '../format.js'

export function migrateCommand(program: Command): void {
  program.command('migrate')
    .description('bring the database\'s schema up to date (opening it does), or with --status report it')
    .option('--status', 'report the schema version and settings read back from the store')
    .action(async (own: { readonly status?: boolean }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      await withDatabase(options, async (db) => {
        const info = await db.storeInfo()
        const out = stdout()
        if (options.json) return out.json({ target: db.target, ...info })
        out.line(`${db.target}: ${info.backend}, schema version ${info.schemaVersion ?? 'none (no migrations)'}${own.status ? '' : ' (up to date)'}`)
        if (own.status) for (const line of table(['SETTING', 'VALUE'], Object.entries(info.settings).map(([k, v]) => [k, String(v)]), 80)) out.line(line)
      })
    })
}
