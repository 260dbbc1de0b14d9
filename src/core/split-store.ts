import { ConfigError } from './errors.js'
import type { SettingValue, StoreInfo } from './records.js'
import type { Backend, Store, SyncStore, WriteOp } from './store.js'

const isState = (op: WriteOp): boolean => op.type === 'agentState'

/** The conversation store's info, with the state store's settings under `state.`. */
function combinedInfo(conversation: StoreInfo, state: StoreInfo): StoreInfo {
  const settings: Record<string, SettingValue> = { ...conversation.settings, 'state.backend': state.backend, 'state.schemaVersion': state.schemaVersion }
  for (const [name, value] of Object.entries(state.settings)) settings[`state.${name}`] = value
  return { ...conversation, settings }
}

function splitAsync(conversation: Store, state: Store): Store {
  return {
    getSession: (id) => conversation.getSession(id),
    listSessions: (query) => conversation.listSessions(query),
    getMessages: (id, query) => conversation.getMessages(id, query),
    getToolCalls: (id, query) => conversation.getToolCalls(id, query),
    getTimeline: (id, query) => conversation.getTimeline(id, query),
    getRuns: (id, query) => conversation.getRuns(id, query),
    getTraces: (query) => conversation.getTraces(query),
    async write(ops) {
      const seqs = await conversation.write(ops)
      const states = ops.filter(isState)
      if (states.length > 0) await state.write(states)
      return seqs
    },
    getAgentStates: (id) => state.getAgentStates(id),
    searchMessages: (query) => conversation.searchMessages(query),
    getSessionKey: (id, key) => conversation.getSessionKey(id, key),
    getSessionKeys: (id) => conversation.getSessionKeys(id),
    stats: () => conversation.stats(),
    async importSession(bundle) {
      const outcome = await conversation.importSession(bundle)
      if (bundle.agentStates.length > 0) await state.importSession({ ...bundle, messages: [], toolCalls: [], runs: [], traces: [], spans: [], sessionKeys: [] })
      return outcome
    },
    async pruneSessions(batch) {
      const pruned = await conversation.pruneSessions(batch)
      if (!batch.dryRun) for (const session of pruned) await state.deleteSession(session.id)
      return pruned
    },
    async info() {
      const [c, s] = await Promise.all([conversation.info(), state.info()])
      return combinedInfo(c, s)
    },
    async deleteSession(id) {
      const [a, b] = await Promise.all([conversation.deleteSession(id), state.deleteSession(id)])
      return a || b
    },
    async close() {
      await Promise.all([conversation.close(), state.close()])
    },
  }
}

function splitSync(conversation: SyncStore, state: SyncStore): SyncStore {
  return {
    getSession: (id) => conversation.getSession(id),
    listSessions: (query) => conversation.listSessions(query),
    getMessages: (id, query) => conversation.getMessages(id, query),
    getToolCalls: (id, query) => conversation.getToolCalls(id, query),
    getTimeline: (id, query) => conversation.getTimeline(id, query),
    getRuns: (id, query) => conversation.getRuns(id, query),
    getTraces: (query) => conversation.getTraces(query),
    write(ops) {
      const seqs = conversation.write(ops)
      const states = ops.filter(isState)
      if (states.length > 0) state.write(states)
      return seqs
    },
    getAgentStates: (id) => state.getAgentStates(id),
    searchMessages: (query) => conversation.searchMessages(query),
    getSessionKey: (id, key) => conversation.getSessionKey(id, key),
    getSessionKeys: (id) => conversation.getSessionKeys(id),
    stats: () => conversation.stats(),
    importSession(bundle) {
      const outcome = conversation.importSession(bundle)
      if (bundle.agentStates.length > 0) state.importSession({ ...bundle, messages: [], toolCalls: [], runs: [], traces: [], spans: [], sessionKeys: [] })
      return outcome
    },
    pruneSessions(batch) {
      const pruned = conversation.pruneSessions(batch)
      if (!batch.dryRun) for (const session of pruned) state.deleteSession(session.id)
      return pruned
    },
    info: () => combinedInfo(conversation.info(), state.info()),
    deleteSession: (id) => {
      // both sides, always: a short-circuit would leave the state side behind
      const deletedConversation = conversation.deleteSession(id)
      const deletedState = state.deleteSession(id)
      return deletedConversation || deletedState
    },
    close() {
      try {
        conversation.close()
      } finally {
        state.close()
      }
    },
  }
}

/**
 * Conversation in one store, agent state also in a second (say PostgreSQL and Redis): every
 * write goes to the conversation store, agent starts and ends to the state store as well,
 * and `getAgentStates` reads the state store. The two are not one transaction: the state
 * store is written after the conversation store has committed. History edits and session
 * keys belong to the conversation store.
 */
export function splitBackend(conversation: Backend, state: Backend): Backend {
  return {
    description: `{ conversation: ${conversation.description}, state: ${state.description} }`,
    capabilities: {
      syncSurface: conversation.capabilities.syncSurface && state.capabilities.syncSurface,
      reads: conversation.capabilities.reads && state.capabilities.reads,
      persistent: conversation.capabilities.persistent && state.capabilities.persistent,
      ...(conversation.capabilities.historyEdit === false ? { historyEdit: false } : {}),
    },
    maxBatch: Math.min(conversation.maxBatch, state.maxBatch),
    network: conversation.network === true || state.network === true,
    open: async () => {
      const [c, s] = await Promise.all([conversation.open(), state.open()])
      return splitAsync(c, s)
    },
    openSync: () => {
      if (conversation.openSync === undefined || state.openSync === undefined) {
        throw new ConfigError('CAPABILITY_MISSING', `${conversation.openSync ? state.description : conversation.description} has no synchronous surface`)
      }
      const c = conversation.openSync()
      try {
        return splitSync(c, state.openSync())
      } catch (error) {
        c.close()
        throw error
      }
    },
  }
}
