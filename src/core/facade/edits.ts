// One job: the facade's history edits and session keys (for framework adapters): writes that
// resolve with a result, so they wait for their commit whatever the durability.
import { editOp, editResult, sessionKeyOp, type EditHistoryArgs, type EditHistoryResult, type SetSessionKeyOptions } from '../history-args.js'
import type { SessionAccess } from '../user-scope.js'
import { rejecting } from './plan.js'

/** `editHistory`: the op's result is the first appended seq. */
export function editHistory(access: SessionAccess, sessionId: string, edit: EditHistoryArgs): Promise<EditHistoryResult> {
  return rejecting(async () => {
    const op = editOp(sessionId, edit)
    return editResult(op, await access.writeForResult(op))
  })
}

/** `editHistorySync`. */
export function editHistorySync(access: SessionAccess, sessionId: string, edit: EditHistoryArgs): EditHistoryResult {
  const op = editOp(sessionId, edit)
  return editResult(op, access.writeSync(op))
}

/** `setSessionKey`: the op's result is 1 when the value was set (the compare-and-set held). */
export function setSessionKey(access: SessionAccess, sessionId: string, key: string, value: string | null, options: SetSessionKeyOptions | undefined): Promise<boolean> {
  return rejecting(async () => (await access.writeForResult(sessionKeyOp(sessionId, key, value, options))) === 1)
}

/** `setSessionKeySync`. */
export function setSessionKeySync(access: SessionAccess, sessionId: string, key: string, value: string | null, options: SetSessionKeyOptions | undefined): boolean {
  return access.writeSync(sessionKeyOp(sessionId, key, value, options)) === 1
}
