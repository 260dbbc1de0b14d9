import type { Command } from 'commander'
import { PraisonAIDB } from '../../index.js'
import { startViewer } from '../../viewer/server.js'
import { databaseUrl, stdout, type GlobalOptions } from '../context.js'
import { parsePositive } from '../values.js'

export function viewerCommand(program: Command): void {
  program.command('viewer')
    .description('serve a read-only page of the sessions, live while agents write')
    .option('--port <n>', 'port (default: a free one)', (v) => parsePositive('--port', v))
    .option('--host <address>', 'address to bind (default 127.0.0.1); any other needs the printed token')
    .action(async (own: { readonly port?: number; readonly host?: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      const db = new PraisonAIDB(databaseUrl(options), { retryDeadlineMs: 5000 })
      const viewer = await startViewer({ db, ...(own.host === undefined ? {} : { host: own.host }), ...(own.port === undefined ? {} : { port: own.port }) })
      stdout().line(`agentdb viewer on ${db.target}: ${viewer.url}`)
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
      })
      await viewer.close()
      await db.aclose()
    })
}
