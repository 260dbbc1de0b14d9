import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { storeConformance } from '../../src/testing/index.js'
import { deleteKeys } from '../redis/admin.js'

// One prefix per run; each database of the suite gets its own prefix under it.
const prefix = `agentdb-test-${randomBytes(6).toString('hex')}:`
let n = 0

storeConformance({
  name: 'redis',
  capabilities: { syncSurface: true, reads: true, persistent: true },
  url: () => `redis://127.0.0.1:6379/0?keyPrefix=${encodeURIComponent(`${prefix}${n++}:`)}`,
  destroy: () => deleteKeys(prefix),
}, { describe, it, after })
