// The state machine of one governed call (design §4), shared by the relay and governTools. It decides whether the
// call runs; the caller forwards it (or runs the tool) and reports the answer. Fail closed everywhere: any doubt
// (gateway unreachable, an unexpected status, a changed request) is a refusal, never a run.
import type { Action, ActionRequest } from '@faramesh/policy-core'
import { computeRequestHash } from '@faramesh/sdk'
import type { GatePort } from '../types.js'
import type { Refusal, RefusalKind } from './answers.js'

export type Verdict =
  /** Run it now, exactly as submitted; report the answer to `action.id` afterwards. */
  | { kind: 'run'; action: Action }
  | { kind: 'refuse'; refusal: Refusal }
  /** The client gave up: send nothing, run nothing (the action was withdrawn or reported not executed). */
  | { kind: 'gave_up' }

export interface GateCallOptions {
  gate: GatePort
  request: ActionRequest
  idempotencyKey: string
  /** Aborted when the client gives up on the call (cancel, dropped stream, closed session). */
  signal: AbortSignal
  /** How long a held call may wait for a person before it is withdrawn and answered "expired". */
  callTimeoutMs?: number
  /** The call is held: start progress ticks and the informational URL elicitation. */
  onHold?: (action: Action) => void
  /** The hold is over, whatever the outcome. */
  onHoldEnd?: (action: Action) => void
  log?: (line: string) => void
}

export const GAVE_UP = 'not executed: MCP client gave up before forwarding'

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e))

export async function gateCall(o: GateCallOptions): Promise<Verdict> {
  const { gate, request } = o
  const refusal = (kind: RefusalKind, a: Partial<Action> | null, reason?: string | null): Verdict => ({
    kind: 'refuse',
    refusal: {
      kind,
      server: String((request.context?.mcp as { server?: string } | undefined)?.server ?? request.tool),
      operation: request.operation,
      actionId: a?.id ?? null,
      status: a?.status ?? null,
      reason: reason !== undefined ? reason : (a?.reason ?? null),
      reasonCode: a?.reason_code ?? null,
      by: (a as { decided_by?: unknown } | null)?.decided_by === undefined ? null : String((a as { decided_by?: unknown }).decided_by),
    },
  })
  // The approval raced the give-up, or an allowed call's client left: record that it did not run.
  const notExecuted = (id: string) => gate.report(id, { success: false, error: GAVE_UP }).catch(() => undefined)

  let action: Action
  try {
    action = await gate.submit(request, o.idempotencyKey)
  } catch (e) {
    return refusal('unavailable', null, errText(e))
  }
  if (!action || typeof action.id !== 'string' || typeof action.status !== 'string') return refusal('unavailable', null, 'the gateway answered without an action')
  if (action.status === 'denied') return refusal('denied', action)
  // The gateway's in-process gate starts an allowed call in the same commit as its submit (a crash mid-call is then
  // failed by the orphan sweep), so it answers `executing`; the call keys are unique, so that is never a replay.
  if (action.status === 'allowed' || action.status === 'executing') {
    if (o.signal.aborted) {
      await notExecuted(action.id)
      return { kind: 'gave_up' }
    }
    return { kind: 'run', action }
  }
  if (action.status !== 'pending_approval') return refusal('unavailable', action, `unexpected action status ${action.status}`)
  return hold(o, action, refusal, notExecuted)
}

async function hold(
  o: GateCallOptions,
  held: Action,
  refusal: (kind: RefusalKind, a: Partial<Action> | null, reason?: string | null) => Verdict,
  notExecuted: (id: string) => Promise<unknown>,
): Promise<Verdict> {
  const { gate, request } = o
  const wait = new AbortController()
  const giveUp = () => wait.abort(o.signal.reason)
  o.signal.addEventListener('abort', giveUp, { once: true })
  let expired = false
  const timer =
    o.callTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          expired = true
          wait.abort(new Error('call timeout'))
        }, o.callTimeoutMs)
  // A client that gave up during the submit gets no hold ticks for a request it no longer waits for.
  if (!o.signal.aborted) o.onHold?.(held)
  let decided: Action | undefined
  try {
    if (!o.signal.aborted) decided = await gate.waitForDecision(held.id, wait.signal)
  } catch (e) {
    if (!wait.signal.aborted) o.log?.(`waiting for action ${held.id} failed: ${errText(e)}`)
  } finally {
    clearTimeout(timer)
    o.signal.removeEventListener('abort', giveUp)
    o.onHoldEnd?.(decided ?? held)
  }

  if (!decided || o.signal.aborted) {
    // Nobody decided (the client gave up, the call timed out, or the wait broke): take the action off the table so
    // a late approval cannot run it, and say so in the record.
    const detail = o.signal.aborted ? `MCP client gave up: ${errText(o.signal.reason)}` : expired ? 'MCP call timed out waiting for approval' : 'MCP relay lost the wait'
    const w = await gate.withdraw(held.id, detail).catch((e: unknown) => {
      o.log?.(`withdrawing action ${held.id} failed: ${errText(e)}`)
      return 'error' as const
    })
    if (w === 'too_late' || decided) await notExecuted(held.id)
    if (o.signal.aborted) return { kind: 'gave_up' }
    return expired ? refusal('expired', held) : refusal('unavailable', held, 'lost contact with the gateway while waiting for a decision')
  }
  if (decided.status === 'denied') return refusal('denied', decided)
  if (decided.status === 'timeout') return refusal('expired', decided)
  if (decided.status !== 'approved') return refusal('unavailable', decided, `unexpected action status ${decided.status}`)

  let started: 'started' | 'closed'
  try {
    started = await gate.start(decided.id)
  } catch (e) {
    return refusal('unavailable', decided, errText(e))
  }
  if (started === 'closed') return refusal('closed', decided)
  // Exactly as approved: what we are about to forward must hash to what the person approved.
  const hash = computeRequestHash({ ...request, agent_id: decided.agent_id })
  if (!decided.request_hash || hash !== decided.request_hash) {
    await gate.report(decided.id, { success: false, error: 'not executed: request changed after approval (request_hash mismatch)' }).catch(() => undefined)
    return refusal('changed', decided)
  }
  return { kind: 'run', action: decided }
}
