#!/usr/bin/env node
// The `agentdb` command: inspect and maintain what agents stored.
import { Command, CommanderError } from 'commander'
import { AgentDBError, redactUrl } from '../index.js'
import { deleteCommand } from './commands/delete.js'
import { exportCommand } from './commands/export.js'
import { importCommand } from './commands/import.js'
import { migrateCommand } from './commands/migrate.js'
import { pruneCommand } from './commands/prune.js'
import { searchCommand } from './commands/search.js'
import { sessionsCommand } from './commands/sessions.js'
import { showCommand } from './commands/show.js'
import { statsCommand } from './commands/stats.js'
import { viewerCommand } from './commands/viewer.js'

function program(): Command {
  const root = new Command('agentdb')
    .description('inspect and maintain the sessions agents stored with agentdb')
    .option('--db <url>', 'the database (default: $AGENTDB_URL, else sqlite:///agent_data.db)')
    .option('--json', 'print data as JSON')
    .option('--debug', 'print the stack of an error')
    .showHelpAfterError()
    .exitOverride()
  for (const add of [sessionsCommand, showCommand, searchCommand, exportCommand, importCommand, pruneCommand, statsCommand, deleteCommand, migrateCommand, viewerCommand]) add(root)
  return root
}

/** One clear line for an error (the stack only with --debug), never a password. */
function report(error: unknown, debug: boolean): void {
  const text = error instanceof AgentDBError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error)
  process.stderr.write(`agentdb: ${redactUrl(text)}\n`)
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${redactUrl(error.stack)}\n`)
}

const root = program()
try {
  await root.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    // commander printed its message (or the help/version it was asked for)
    process.exitCode = error.exitCode
  } else {
    report(error, root.opts<{ debug?: boolean }>().debug === true || process.argv.includes('--debug'))
    process.exitCode = 1
  }
}
