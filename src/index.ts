export { PraisonAIDB, type Durability, type PraisonAIDBOptions } from './core/praisonai-db.js'
export { MySQLDB, PostgresDB, RedisDB, SQLiteDB, type ServerAddress } from './core/named-dbs.js'
export type { SplitTarget, Target } from './core/targets.js'
export type { StoreModule } from './core/offload/threads.js'
export type { AgentEventArgs, MessageArgs, ToolCallArgs } from './core/hook-args.js'
export type { UserStore } from './core/user-store.js'
export {
  AgentDBError, ConfigError, StoreError, StoreUnavailableError, ValidationError, type ErrorCode,
} from './core/errors.js'
export type {
  AgentState, AgentStatus, HistoryQuery, JsonObject, JsonValue, ListSessionsQuery, Message, Page, Role, Session,
  TimelineItem, ToolCall,
} from './core/records.js'
export type { Capabilities, SessionListing } from './core/store.js'
export { redactUrl } from './core/url.js'
export type { StoreOptions } from './stores/registry.js'
export type { SqliteOptions, SqliteSynchronous } from './stores/sqlite/index.js'
