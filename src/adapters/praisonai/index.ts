export { PraisonAIDbAdapter, praisonaiDb } from './adapter.js'
export { MARK } from './marks.js'
export type {
  DbAdapter, DbMessage, DbMetadata, DbRun, DbSession, DbSpan, DbTokenUsage, DbToolCall, DbTrace,
} from './types.js'
