export { storeConformance, type ConformanceTarget, type TestApi } from './conformance.js'
