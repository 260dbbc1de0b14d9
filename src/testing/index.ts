export { storeConformance, type ConformanceTarget, type TestApi } from './conformance.js'
export { aiSdkConformance } from './adapters/ai-sdk.js'
