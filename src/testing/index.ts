export { storeConformance, type ConformanceTarget, type TestApi } from './conformance.js'
export { openaiAgentsConformance } from './adapters/openai-agents.js'
export { praisonaiConformance } from './adapters/praisonai.js'
export { aiSdkConformance } from './adapters/ai-sdk.js'
