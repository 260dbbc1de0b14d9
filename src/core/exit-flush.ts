/** Something holding acknowledged-but-unwritten data that must reach the store before exit. */
export interface Flushable {
  flush(): Promise<void>
}

const live = new Set<Flushable>()
let installed = false
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** Flushes every target; a failure is reported as a process warning (the process is ending: nobody else would hear of it). */
function flushAll(): Promise<unknown> {
  return Promise.allSettled([...live].map((f) => f.flush().catch((error: unknown) => {
    process.emitWarning(`agentdb: buffered writes failed while the process was ending: ${error instanceof Error ? error.message : String(error)}`)
  })))
}

function onSignal(signal: NodeJS.Signals): void {
  void flushAll().then(() => {
    // We were the only listener: do what Node would have done without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
}

function install(): void {
  if (installed) return
  installed = true
  process.on('beforeExit', () => {
    if ([...live].length > 0) void flushAll()
  })
  for (const signal of SIGNALS) process.once(signal, onSignal)
}

/**
 * Flushes `target` on `beforeExit`, SIGINT and SIGTERM (buffered durability). After a signal
 * the process still ends as it would have, unless the application listens to it too.
 * Returns the function that stops watching `target`.
 */
export function flushBeforeExit(target: Flushable): () => void {
  install()
  live.add(target)
  return () => { live.delete(target) }
}
