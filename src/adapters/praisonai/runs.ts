import type { PraisonAIDB, Run } from '../../index.js'
import {
  checkChoice, checkId, checkJsonObject, checkOptionalText, checkOptionalTime, checkRecord, checkSessionId, checkTime, epochMs, invalid,
} from './checks.js'
import type { Directory } from './directory.js'
import { createKept, readKept, updateKept } from './kept.js'
import type { DbRun, DbTokenUsage } from './types.js'

const RUN_STATUSES = ['pending', 'running', 'completed', 'failed'] as const
const TOKENS = ['promptTokens', 'completionTokens', 'totalTokens'] as const

function checkTokenUsage(value: unknown): DbTokenUsage | undefined {
  if (value === undefined) return undefined
  const t = checkRecord('run.tokenUsage', value)
  for (const key of TOKENS) if (typeof t[key] !== 'number' || !Number.isFinite(t[key])) invalid(`run.tokenUsage.${key} must be a finite number, got ${typeof t[key]}`)
  return { promptTokens: t['promptTokens'] as number, completionTokens: t['completionTokens'] as number, totalTokens: t['totalTokens'] as number }
}

/** A whole run, checked, with its fields in a fixed order and absent ones left out. @throws ValidationError */
export function checkRun(value: unknown): DbRun {
  const r = checkRecord('run', value)
  const run: DbRun = {
    id: checkId('run.id', r['id']), sessionId: checkSessionId('run.sessionId', r['sessionId']),
    status: checkChoice('run.status', r['status'], RUN_STATUSES), startedAt: checkTime('run.startedAt', r['startedAt']),
  }
  const agentName = checkOptionalText('run.agentName', r['agentName'])
  const completedAt = checkOptionalTime('run.completedAt', r['completedAt'])
  const error = checkOptionalText('run.error', r['error'])
  const metadata = checkJsonObject('run.metadata', r['metadata'])
  const tokenUsage = checkTokenUsage(r['tokenUsage'])
  return {
    ...run, ...(agentName === undefined ? {} : { agentName }), ...(completedAt === undefined ? {} : { completedAt }),
    ...(error === undefined ? {} : { error }), ...(metadata === undefined ? {} : { metadata }), ...(tokenUsage === undefined ? {} : { tokenUsage }),
  }
}

/** Writes a run's agentdb record: started, and ended once praisonai calls it completed or failed. */
async function projectRun(db: PraisonAIDB, run: DbRun): Promise<void> {
  await db.aonRunStart({ sessionId: run.sessionId, runId: run.id, inputContent: '', metadata: run.metadata ?? null })
  if (run.status !== 'completed' && run.status !== 'failed') return
  await db.aonRunEnd({
    sessionId: run.sessionId, runId: run.id, outputContent: run.error ?? '', status: run.status === 'completed' ? 'completed' : 'error',
    metrics: run.tokenUsage === undefined ? null : { ...run.tokenUsage }, metadata: run.metadata ?? null,
  })
}

/** An agentdb run that praisonai did not write (agentdb's Agent): as a praisonai run. */
function deriveRun(run: Run): DbRun {
  const status = run.status === 'running' ? 'running' : run.status === 'completed' ? 'completed' : 'failed'
  const tokens = TOKENS.every((k) => typeof run.metrics[k] === 'number')
    ? { promptTokens: run.metrics['promptTokens'] as number, completionTokens: run.metrics['completionTokens'] as number, totalTokens: run.metrics['totalTokens'] as number }
    : undefined
  return {
    id: run.id, sessionId: run.sessionId, status, startedAt: epochMs(run.startedAt),
    ...(run.endedAt === null ? {} : { completedAt: epochMs(run.endedAt) }),
    ...(Object.keys(run.metadata).length === 0 ? {} : { metadata: { ...run.metadata } }),
    ...(tokens === undefined ? {} : { tokenUsage: tokens }),
  }
}

async function findRun(db: PraisonAIDB, sessionId: string, id: string): Promise<DbRun | undefined> {
  const kept = await readKept<DbRun>(db, sessionId, 'run', id)
  if (kept !== undefined) return kept
  const run = (await db.getRuns(sessionId, { limit: 1000 })).find((r) => r.id === id)
  return run === undefined ? undefined : deriveRun(run)
}

/** praisonai's run operations over agentdb runs. */
export class Runs {
  readonly #db: PraisonAIDB
  readonly #directory: Directory

  constructor(db: PraisonAIDB, directory: Directory) {
    this.#db = db
    this.#directory = directory
  }

  async create(value: unknown): Promise<void> {
    const run = checkRun(value)
    await createKept(this.#db, run.sessionId, 'run', run.id, run, (r) => projectRun(this.#db, r))
    this.#directory.rememberRun(run.id, run.sessionId)
  }

  async get(id: unknown): Promise<DbRun | null> {
    const runId = checkId('id', id)
    const sessionId = await this.#directory.runSession(runId)
    return sessionId === undefined ? null : await findRun(this.#db, sessionId, runId) ?? null
  }

  async update(id: unknown, updates: unknown): Promise<void> {
    const runId = checkId('id', id)
    const sessionId = await this.#directory.runSession(runId)
    if (sessionId === undefined) return
    await updateKept(this.#db, sessionId, 'run', runId, updates, ['id', 'sessionId'], () => findRun(this.#db, sessionId, runId), checkRun, (r) => projectRun(this.#db, r))
  }

  /** The session's last `limit` runs (default 100, at most 1000), oldest first. */
  async list(sessionId: unknown, limit: number): Promise<DbRun[]> {
    const id = checkSessionId('sessionId', sessionId)
    const runs = [...await this.#db.getRuns(id, { limit: Math.min(limit, 1000) })].reverse()
    return Promise.all(runs.map(async (run) => {
      this.#directory.rememberRun(run.id, id)
      return await readKept<DbRun>(this.#db, id, 'run', run.id) ?? deriveRun(run)
    }))
  }
}
