export { storeConformance, type ConformanceTarget, type TestApi } from './conformance.js'
export { openaiAgentsConformance } from './adapters/openai-agents.js'
export { praisonaiConformance } from './adapters/praisonai.js'
