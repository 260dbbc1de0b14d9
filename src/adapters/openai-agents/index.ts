export { AgentDBSession, type AgentDBSessionOptions } from './session.js'
