export { storeConformance, type ConformanceTarget, type TestApi } from './conformance.js'
export { praisonaiConformance } from './adapters/praisonai.js'
