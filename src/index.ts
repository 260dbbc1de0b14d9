export { PraisonAIDB, type CoreOptions, type Durability, type PraisonAIDBOptions, type ProgressOptions, type UserScope } from './core/praisonai-db.js'
export type { ServerAddress } from './core/server-address.js'
export { SQLiteDB, type SQLiteDBOptions } from './stores/sqlite/named.js'
export { PostgresDB, type PostgresDBOptions } from './stores/postgres/named.js'
export { MySQLDB, type MySQLDBOptions } from './stores/mysql/named.js'
export { RedisDB, type RedisDBOptions } from './stores/redis/named.js'
export type { SplitTarget, Target } from './core/targets.js'
export type { SpoolOptions, SpoolStatus } from './core/spool/spool-file.js'
export type { StoreModule } from './core/offload/threads.js'
export type { AgentEventArgs, MessageArgs, ToolCallArgs } from './core/hook-args.js'
export type {
  EditHistoryArgs, EditHistoryResult, HistoryAppend, HistoryMessageAppend, HistoryToolCallAppend, SetSessionKeyOptions,
} from './core/history-args.js'
export type { RunEndArgs, RunStartArgs, SpanEndArgs, SpanStartArgs, TraceEndArgs, TraceStartArgs } from './core/run-args.js'
export { INTERRUPTED_RESULT } from './core/history.js'
export type { UserStore } from './core/user-store.js'
export {
  AgentDBError, ConfigError, StoreError, StoreUnavailableError, ValidationError, type ErrorCode,
} from './core/errors.js'
export type {
  AgentState, AgentStatus, AssistantToolCall, SessionKey, ChatHistoryQuery, ChatMessage, ChatToolCall, HistoryQuery, Run, RunQuery, RunStatus, Span, SpanStatus, Trace, TraceQuery, JsonObject, JsonValue, ListSessionsQuery, Message, Page, Role, Session, SettingValue, StoreInfo,
  TimelineItem, ToolCall, SearchQuery, SearchHit, PruneQuery, PruneResult, ExportQuery, ExportRecord, ImportResult, StoreStats,
} from './core/records.js'
export type { Capabilities, HistoryEdit, ImportOutcome, PruneBatch, SearchListing, SessionBundle, SessionListing } from './core/store.js'
export { redactUrl } from './core/url.js'
export { newId } from './core/ids.js'
export type { AnyStoreOptions, OptionsByScheme, StoreOptionsFor } from './stores/registry.js'
export type { SqliteOptions, SqliteSynchronous } from './stores/sqlite/index.js'
export type { PostgresOptions } from './stores/postgres/index.js'
export type { MySqlOptions } from './stores/mysql/index.js'
export type { RedisOptions } from './stores/redis/index.js'
export type { MemoryOptions } from './stores/memory/index.js'
export { Agent, type RunOptions } from './agent/agent.js'
export type { AgentOptions, LlmOptions, PersistenceErrorPolicy } from './agent/options.js'
export type { AgentRun } from './agent/run.js'
export type { AgentToolCall } from './agent/run-state.js'
export type { AgentTool, JsonSchema, ToolContext, ZodSchemaLike } from './agent/tools.js'
export type { TokenUsage } from './agent/model.js'
export { AgentRunError, type AgentRunErrorCode } from './agent/errors.js'
