import type { Command } from 'commander'
import { ValidationError } from '../../index.js'
import { stdout, withDatabase, type GlobalOptions } from '../context.js'

export function deleteCommand(program: Command): void {
  program.command('delete')
    .description('delete a session with everything in it')
    .argument('<session>', 'the session id')
    .action(async (sessionId: string, _options: object, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      await withDatabase(options, async (db) => {
        if (!await db.deleteSession(sessionId)) throw new ValidationError('FIELD_INVALID', `there is no session ${JSON.stringify(sessionId)}`)
        const out = stdout()
        if (options.json) return out.json({ deleted: sessionId })
        out.line(`deleted session ${sessionId}`)
      })
    })
}
