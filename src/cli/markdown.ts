import type { ExportRecord, JsonValue } from '../index.js'
import { shortTime } from './format.js'
import { formatDuration, runDuration, runTokens } from './runs.js'

/** A fenced block that no backtick run inside the text can close. */
function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${language}\n${text}\n${fence}`
}

const json = (value: JsonValue): string => fenced(JSON.stringify(value, null, 2), 'json')

/** Markdown for one export record (the header gives nothing): a readable transcript, not meant to be imported. */
export function markdown(record: ExportRecord): string {
  switch (record.kind) {
    case 'header': return ''
    case 'session': return [
      `# Session ${record.id}`, '',
      `- user: ${record.userId ?? '—'}`, `- agent: ${record.agentId ?? record.name ?? '—'}`,
      `- started: ${shortTime(record.createdAt)}`, `- last active: ${shortTime(record.updatedAt)}`, `- ended: ${shortTime(record.endedAt)}`, '',
    ].join('\n')
    case 'message': {
      const asked = (record.toolCalls ?? []).map((c) => `\n_asks for ${c.name} (${c.id})_`).join('')
      return `## #${record.seq} ${record.role} · ${shortTime(record.createdAt)}\n\n${fenced(record.content, 'text')}${asked}\n`
    }
    case 'toolCall': return [
      `## #${record.seq} tool ${record.toolName} · ${shortTime(record.createdAt)}${record.durationMs === null ? '' : ` · ${formatDuration(record.durationMs)}`}`, '',
      'Arguments:', '', json(record.arguments), '', record.error === null ? 'Result:' : 'Error:', '',
      record.error === null ? json(record.result) : fenced(record.error, 'text'), '',
    ].join('\n')
    case 'agentState': return `- agent ${record.name} (${record.agentId}): ${record.status} ${shortTime(record.startedAt)} → ${shortTime(record.endedAt)}\n`
    case 'run': {
      const tokens = runTokens(record)
      return `- run ${record.id}: ${record.status}, ${formatDuration(runDuration(record))}${tokens === null ? '' : `, ${tokens} tokens`}\n`
    }
    case 'trace': return `- trace ${record.name} (${record.id}): ${record.status}\n`
    case 'span': return `  - span ${record.name} [${record.spanKind}]: ${record.status}\n`
    case 'sessionKey': return `- key ${record.name} = ${JSON.stringify(record.value)} (set ${shortTime(record.updatedAt)})\n`
  }
}
