export {
  chatStore, type ChatStore, type ChatStoreOptions, type ChatSummary, type FinishEvent, type ListChatsQuery, type PersistOnFinishOptions,
  type SaveChatArgs,
} from './chat-store.js'
export { ABORTED_KEY, UI_MESSAGE_KEY } from './projection.js'
export type { UIMessageLike } from './ui-message.js'
