/** One message of the workload: ~200 bytes of text and a small metadata object. */
export interface WorkMessage {
  readonly content: string
  readonly metadata: { readonly user_id: string; readonly turn: number; readonly source: string }
}

const WORDS = ['agent', 'memory', 'session', 'tool', 'result', 'query', 'answer', 'context', 'plan', 'step', 'data', 'user']

/** Deterministic ~200-byte contents, so every case writes the same bytes. */
export function workMessage(session: number, index: number): WorkMessage {
  let text = `s${session} m${index}:`
  let k = session * 31 + index * 7
  while (text.length < 200) {
    text += ` ${WORDS[k % WORDS.length]!}`
    k = (k * 1103515245 + 12345) % 2147483648
  }
  return { content: text.slice(0, 200), metadata: { user_id: `user_${session % 50}`, turn: index, source: 'bench' } }
}

/** The shape of a throughput run. */
export interface Shape {
  readonly sessions: number
  readonly messages: number
}

/** Messages a shape writes. */
export const total = (shape: Shape): number => shape.sessions * shape.messages

/**
 * Every session appends its messages in order, each awaiting its own write, all sessions
 * at once: `append(session, index)` is called with index 0..messages-1 per session.
 */
export async function runConcurrent(shape: Shape, append: (session: number, index: number) => Promise<unknown>): Promise<void> {
  const agents: Promise<void>[] = []
  for (let s = 0; s < shape.sessions; s++) {
    agents.push((async () => {
      for (let m = 0; m < shape.messages; m++) await append(s, m)
    })())
  }
  await Promise.all(agents)
}

/** One agent awaiting each write in turn, session by session. */
export async function runSequential(shape: Shape, append: (session: number, index: number) => Promise<unknown>): Promise<void> {
  for (let s = 0; s < shape.sessions; s++) {
    for (let m = 0; m < shape.messages; m++) await append(s, m)
  }
}

/** A shape of at most `cap` messages with the same messages per session (fewer sessions). */
export function capped(shape: Shape, cap: number): Shape {
  if (total(shape) <= cap) return shape
  const messages = Math.min(shape.messages, cap)
  return { sessions: Math.max(1, Math.floor(cap / messages)), messages }
}

/** The rows of a shape in batches of `size`, session-major (what a raw bulk loader writes). */
export function* batches(shape: Shape, size: number): Generator<readonly (readonly [session: number, index: number])[]> {
  let batch: (readonly [number, number])[] = []
  for (let s = 0; s < shape.sessions; s++) {
    for (let m = 0; m < shape.messages; m++) {
      batch.push([s, m])
      if (batch.length === size) {
        yield batch
        batch = []
      }
    }
  }
  if (batch.length > 0) yield batch
}

/**
 * The cells of a shape in the order concurrent agents write them, one batch per round:
 * message m of every session, then m + 1 (what group commit holds with one write of each of
 * S sessions in flight).
 */
export function* arrivalBatches(shape: Shape): Generator<readonly (readonly [session: number, index: number])[]> {
  for (let m = 0; m < shape.messages; m++) {
    const batch: (readonly [number, number])[] = []
    for (let s = 0; s < shape.sessions; s++) batch.push([s, m])
    yield batch
  }
}
