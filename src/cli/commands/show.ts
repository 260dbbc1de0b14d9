import type { Command } from 'commander'
import { ValidationError, type TimelineItem } from '../../index.js'
import { stdout, withDatabase, type GlobalOptions, type Output } from '../context.js'
import { paint, pretty, printable, shortTime } from '../format.js'
import { formatDuration, runDuration, runTokens } from '../runs.js'

const ROLE_STYLE = { user: 'cyan', assistant: 'green', system: 'magenta', tool: 'yellow' } as const

function printItem(out: Output, item: TimelineItem): void {
  const seq = paint(out.color, 'dim', `#${item.seq}`)
  if (item.kind === 'message') {
    const m = item.message
    out.line(`${seq} ${paint(out.color, 'dim', shortTime(m.createdAt))} ${paint(out.color, ROLE_STYLE[m.role], m.role)}`)
    out.line(pretty(m.content, '    '))
    for (const call of m.toolCalls ?? []) out.line(paint(out.color, 'dim', `    ↳ asks for ${printable(call.name)} (${printable(call.id)})`))
    return
  }
  const t = item.toolCall
  const took = t.durationMs === null ? '' : ` ${t.durationMs.toFixed(0)} ms`
  out.line(`${seq} ${paint(out.color, 'dim', shortTime(t.createdAt))} ${paint(out.color, 'yellow', `tool ${printable(t.toolName)}`)}${paint(out.color, 'dim', took)}`)
  out.line(paint(out.color, 'dim', '    arguments:'))
  out.line(pretty(t.arguments, '      '))
  if (t.error !== null) {
    out.line(paint(out.color, 'red', '    error:'))
    out.line(pretty(t.error, '      '))
  } else {
    out.line(paint(out.color, 'dim', '    result:'))
    out.line(pretty(t.result, '      '))
  }
}

export function showCommand(program: Command): void {
  program.command('show')
    .description('print a session\'s timeline in order')
    .argument('<session>', 'the session id')
    .action(async (sessionId: string, _options: object, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      await withDatabase(options, async (db) => {
        const session = await db.getSession(sessionId)
        if (session === null) throw new ValidationError('FIELD_INVALID', `there is no session ${JSON.stringify(sessionId)}`)
        const [timeline, agents, runs] = await Promise.all([db.getTimeline(sessionId), db.getAgentStates(sessionId), db.getRuns(sessionId, { limit: 1000 })])
        const out = stdout()
        if (options.json) return out.json({ session, agents, runs, timeline })
        out.line(paint(out.color, 'bold', `session ${printable(session.id)}`))
        out.line(`  user ${printable(session.userId ?? '—')}  agent ${printable(session.agentId ?? '—')}  started ${shortTime(session.createdAt)}  last active ${shortTime(session.updatedAt)}${session.endedAt ? `  ended ${shortTime(session.endedAt)}` : ''}`)
        for (const agent of agents) out.line(`  agent ${printable(agent.name)}${agent.agentId ? ` (${printable(agent.agentId)})` : ''}: ${agent.status} ${shortTime(agent.startedAt)}${agent.endedAt ? ` → ${shortTime(agent.endedAt)}` : ''}`)
        for (const run of [...runs].reverse()) {
          const tokens = runTokens(run)
          const status = paint(out.color, run.status === 'completed' ? 'green' : run.status === 'running' ? 'yellow' : 'red', run.status)
          out.line(`  run ${printable(run.id)}: ${status} ${shortTime(run.startedAt)}  ${formatDuration(runDuration(run))}${tokens === null ? '' : `  ${tokens} tokens`}`)
        }
        out.line()
        for (const item of timeline) printItem(out, item)
      })
    })
}
