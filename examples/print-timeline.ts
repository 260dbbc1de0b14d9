import type { PraisonAIDB } from 'agentdb'

/** Prints a session and its timeline, one line per message or tool call. */
export async function printTimeline(db: PraisonAIDB, sessionId: string): Promise<void> {
  const session = await db.getSession(sessionId)
  if (session === null) {
    console.log(`no session ${sessionId}`)
    return
  }
  console.log(`session ${session.id} (${session.name ?? 'unnamed'}, agent ${session.agentId ?? '-'}) created ${session.createdAt}, ended ${session.endedAt ?? '-'}`)
  for (const item of await db.getTimeline(sessionId)) {
    if (item.kind === 'message') console.log(`  #${item.seq} ${item.message.role.padEnd(9)} ${item.message.content}  ${JSON.stringify(item.message.metadata)}`)
    else console.log(`  #${item.seq} tool      ${item.toolCall.toolName}(${JSON.stringify(item.toolCall.arguments)}) -> ${JSON.stringify(item.toolCall.result)}`)
  }
  for (const state of await db.getAgentStates(sessionId)) console.log(`  agent ${state.name} [${state.agentId}] ${state.status} ${state.startedAt} .. ${state.endedAt ?? ''}`)
}
