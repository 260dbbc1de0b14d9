import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { InvalidArgumentError, type Command } from 'commander'
import { ValidationError, type ExportQuery, type ExportRecord } from '../../index.js'
import { withDatabase, type GlobalOptions } from '../context.js'
import { markdown } from '../markdown.js'
import { progress } from '../progress.js'
import { parseTime } from '../values.js'

type Format = 'jsonl' | 'json' | 'md'

interface ExportOptions extends GlobalOptions {
  readonly all?: boolean
  readonly user?: string
  readonly since?: string
  readonly format: Format
  readonly output?: string
}

/** Each record's text in a format: JSON Lines, one JSON array, or a Markdown transcript. */
function render(format: Format, record: ExportRecord, first: boolean): string {
  if (format === 'jsonl') return `${JSON.stringify(record)}\n`
  if (format === 'json') return `${first ? '[\n' : ',\n'}${JSON.stringify(record)}`
  return markdown(record)
}

async function write(out: Writable, text: string): Promise<void> {
  if (text !== '' && !out.write(text)) await once(out, 'drain')
}

export function exportCommand(program: Command): void {
  program.command('export')
    .description('write sessions with everything in them, to import elsewhere (jsonl, json) or to read (md)')
    .argument('[session]', 'the session to export')
    .option('--all', 'every session (with --user, --since: those)')
    .option('--user <id>', 'the sessions of this user')
    .option('--since <date>', 'the sessions active since (ISO date, or an age such as 7d)')
    .option('--format <format>', 'jsonl, json or md', (v): Format => {
      if (v !== 'jsonl' && v !== 'json' && v !== 'md') throw new InvalidArgumentError(`--format must be jsonl, json or md, got ${JSON.stringify(v)}`)
      return v
    }, 'jsonl')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (session: string | undefined, options: ExportOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions>(), ...options }
      if ((session === undefined) === (all.all !== true && all.user === undefined && all.since === undefined)) {
        throw new ValidationError('FIELD_INVALID', 'name one session, or give --all (or --user / --since), not both')
      }
      const query: ExportQuery = session !== undefined
        ? { sessionIds: [session] }
        : { userId: all.user, since: all.since === undefined ? undefined : parseTime('--since', all.since) }
      await withDatabase(all, async (db) => {
        const total = session !== undefined ? 1 : (await db.stats()).sessions
        const out: Writable = all.output === undefined ? process.stdout : createWriteStream(all.output)
        const bar = progress('exporting', process.stderr)
        let sessions = 0
        let first = true
        try {
          for await (const record of db.exportSessions(query)) {
            await write(out, render(all.format, record, first))
            first = false
            if (record.kind === 'session') bar.update(++sessions, total)
          }
          if (all.format === 'json') await write(out, '\n]\n')
          if (session !== undefined && sessions === 0) throw new ValidationError('FIELD_INVALID', `there is no session ${JSON.stringify(session)}`)
        } finally {
          bar.end()
          if (out !== process.stdout) {
            out.end()
            await once(out, 'close')
          }
        }
        if (all.output !== undefined) process.stderr.write(`exported ${sessions} session${sessions === 1 ? '' : 's'} to ${all.output}\n`)
      })
    })
}
