import type { PraisonAIDB } from '../index.js'
import { ValidationError } from '../index.js'

/** What an API route answers: a JSON body, or a status with a message. */
export type ApiAnswer = { readonly status: 200; readonly body: unknown } | { readonly status: 400 | 404; readonly body: { readonly error: string } }

const PAGE = 200
/** Runs and traces the session page shows (the newest). */
const RUNS = 50

function integer(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name)
  if (value === null || value === '') return undefined
  if (!/^\d{1,15}$/.test(value)) throw new ValidationError('FIELD_INVALID', `${name} must be a non-negative integer`)
  return Number(value)
}

function text(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)
  return value === null || value === '' ? undefined : value
}

/**
 * The viewer's read-only API over the public reads, by path. Everything it passes to the
 * store goes as a value of a read method (the stores parameterise every query).
 */
export async function answer(db: PraisonAIDB, path: string, params: URLSearchParams): Promise<ApiAnswer> {
  try {
    if (path === '/api/sessions') {
      const page = await db.listSessions({ userId: text(params, 'user'), agentId: text(params, 'agent'), cursor: text(params, 'cursor') ?? null, limit: integer(params, 'limit') ?? 50 })
      return { status: 200, body: page }
    }
    if (path === '/api/search') {
      const page = await db.searchMessages({ query: text(params, 'q') ?? '', userId: text(params, 'user'), agentId: text(params, 'agent'), cursor: text(params, 'cursor') ?? null, limit: integer(params, 'limit') ?? 50 })
      return { status: 200, body: page }
    }
    const match = /^\/api\/sessions\/([^/]+)(\/timeline|\/runs)?$/.exec(path)
    if (match === null) return { status: 404, body: { error: 'no such route' } }
    const id = decodeURIComponent(match[1]!)
    if (match[2] === '/runs') {
      // the newest runs and traces, each trace with its spans for the waterfall
      const [runs, traces] = await Promise.all([db.getRuns(id, { limit: RUNS }), db.getTraces({ sessionId: id, limit: RUNS })])
      return { status: 200, body: { runs, traces } }
    }
    if (match[2] === undefined) {
      const session = await db.getSession(id)
      if (session === null) return { status: 404, body: { error: 'no such session' } }
      return { status: 200, body: { session, agents: await db.getAgentStates(id) } }
    }
    const afterSeq = integer(params, 'afterSeq')
    const beforeSeq = integer(params, 'beforeSeq')
    // the newest page first; then older pages (beforeSeq) or what came since (afterSeq)
    const items = await db.getTimeline(id, { afterSeq, beforeSeq, limit: afterSeq === undefined ? integer(params, 'limit') ?? PAGE : undefined })
    return { status: 200, body: { items } }
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, body: { error: error.message } }
    throw error
  }
}
