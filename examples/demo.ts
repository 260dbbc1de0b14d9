// `npm run demo`: an agent turn stored on SQLite when a model endpoint is set (OPENAI_API_KEY or
// OPENAI_BASE_URL), else the seed's complete lifecycle without a model; then a second process
// reads the stored timeline back.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Agent, PraisonAIDB, type AgentTool } from 'agentdb'
import { agentLifecycle } from './complete-lifecycle.js'
import { printTimeline } from './print-timeline.js'

const analyzer: AgentTool<{ file: string }> = {
  name: 'data_analyzer',
  description: 'Counts the rows and columns of a data file',
  parameters: { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] },
  execute: ({ file }) => ({ file, rows: 1000, columns: 5 }),
}

/** One agent turn with a tool; the session is resumed by the next demo run. */
async function agentTurn(url: string): Promise<string> {
  await using db = new PraisonAIDB(url)
  await using agent = new Agent({ name: 'DataAgent', instructions: 'Analyze data with your tools; answer in one sentence.', db, sessionId: 'demo_agent', tools: [analyzer] })
  console.log(`agent ${agent.name} on ${agent.model}, session ${agent.sessionId}`)
  console.log(`answer: ${await agent.runAsync('Analyze data.csv')}`)
  const run = agent.lastRun!
  console.log(`run ${run.status} in ${run.durationMs} ms: ${run.steps} model call(s), ${run.toolCalls.length} tool call(s), ${run.usage.totalTokens} tokens`)
  return agent.sessionId
}

const url = process.env['AGENTDB_URL'] || 'sqlite:///agent_data.db'
let sessionId = 'session_789'
if (process.env['OPENAI_API_KEY'] || process.env['OPENAI_BASE_URL']) {
  sessionId = await agentTurn(url)
} else {
  await agentLifecycle(url)
  console.log('no model endpoint: ran the lifecycle hooks without a model. To run the Agent, set OPENAI_API_KEY (OpenAI)')
  console.log('or OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) and OPENAI_MODEL, then run npm run demo again')
}
{
  await using db = new PraisonAIDB(url)
  console.log(`written by process ${process.pid} to ${db.target}`)
  await printTimeline(db, sessionId)
}
const reader = fileURLToPath(new URL('./read-back.js', import.meta.url))
const second = spawnSync(process.execPath, [reader, url, sessionId], { stdio: 'inherit' })
process.exitCode = second.status ?? 1
