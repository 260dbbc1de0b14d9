import { Redis } from 'ioredis'

/** A plain ioredis client on the test server, for what a test inspects or breaks. */
export async function adminClient(): Promise<Redis> {
  const admin = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, connectionName: 'agentdb-test-admin' })
  admin.on('error', () => undefined)
  await admin.connect()
  return admin
}

/** Deletes every key under a test run's prefix (SCAN + UNLINK). */
export async function deleteKeys(prefix: string): Promise<void> {
  const admin = await adminClient()
  try {
    let cursor = '0'
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      if (keys.length > 0) await admin.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    await admin.quit()
  }
}

/** How many connections CLIENT LIST shows with this name. */
export async function countConnections(name: string): Promise<number> {
  const admin = await adminClient()
  try {
    const list = await admin.client('LIST')
    return String(list).split('\n').filter((line) => line.includes(` name=${name} `)).length
  } finally {
    await admin.quit()
  }
}
