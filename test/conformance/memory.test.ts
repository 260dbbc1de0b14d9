import { after, describe, it } from 'node:test'
import { PraisonAIDB } from '../../src/index.js'
import { storeConformance } from '../../src/testing/index.js'

storeConformance({
  name: 'memory',
  capabilities: { syncSurface: true, reads: true, persistent: false },
  create: () => new PraisonAIDB('memory:'),
}, { describe, it, after })
