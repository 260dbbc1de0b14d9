// `npm run demo`: the seed's complete lifecycle on SQLite, then a second process reads it back.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PraisonAIDB } from 'agentdb'
import { agentLifecycle } from './complete-lifecycle.js'
import { printTimeline } from './print-timeline.js'

const url = process.env['AGENTDB_URL'] || 'sqlite:///agent_data.db'
await agentLifecycle(url)
{
  await using db = new PraisonAIDB(url)
  console.log(`written by process ${process.pid} to ${db.target}`)
  await printTimeline(db, 'session_789')
}
const reader = fileURLToPath(new URL('./read-back.js', import.meta.url))
const second = spawnSync(process.execPath, [reader, url, 'session_789'], { stdio: 'inherit' })
process.exitCode = second.status ?? 1
