// The one-call helpers: submit, wait for a human if the policy asks, run the work only when allowed or
// approved, and record how it went. The agent executes the work itself, so `/start` (which hands the action to
// the gateway's own executor) is never called here.
import type { CoreClient, SubmitSpec } from './core-client.js'
import { FarameshApprovalTimeoutError, FarameshDeniedError } from './errors.js'
import type { CallOptions, GovernedAction } from './types.js'

export interface GateOptions extends CallOptions {
  /** How long to wait for a human decision (default 300000). */
  approvalTimeoutMs?: number
  /** Poll interval when the event stream is not available (default 1000). */
  pollIntervalMs?: number
}

/** JSON-safe copy of a result, or undefined when it cannot travel (functions, cycles, BigInt). */
function jsonSafe(v: unknown): unknown {
  try {
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v))
  } catch {
    return undefined
  }
}

function reportQuietly(c: CoreClient, p: Promise<unknown>): Promise<void> {
  // The work already happened: failing to record it must not make the agent redo it, so report to the hook.
  return p.then(
    () => undefined,
    (e: Error) => {
      try {
        c.config.onError?.(e)
      } catch {
        // hooks never break the call
      }
    },
  )
}

export async function withGate<T>(
  c: CoreClient,
  request: SubmitSpec,
  fn: (action: GovernedAction) => T | Promise<T>,
  o: GateOptions = {},
): Promise<T> {
  let action = await c.submitAction(request, { ...o, throwOnDeny: false })
  if (action.status === 'pending_approval' || action.status === 'pending_decision')
    action = await c.waitForDecision(action.id, {
      timeoutMs: o.approvalTimeoutMs ?? 300000,
      pollIntervalMs: o.pollIntervalMs ?? 1000,
      signal: o.signal,
    })
  if (action.status === 'timeout') throw new FarameshApprovalTimeoutError(`Approval of ${action.tool}.${action.operation} expired`, { action })
  if (action.status === 'denied') throw await c.deniedError(action)
  if (action.status !== 'allowed' && action.status !== 'approved')
    throw new FarameshDeniedError(`Action is ${action.status}, not allowed`, { action })
  const governed = action.governed !== false
  let result: T
  try {
    result = await fn(action)
  } catch (e) {
    if (governed) await reportQuietly(c, c.reportResult(action.id, { success: false, error: e instanceof Error ? e.message : String(e) }, { signal: o.signal }))
    throw e
  }
  if (governed) await reportQuietly(c, c.reportResult(action.id, { success: true, result: jsonSafe(result) }, { signal: o.signal }))
  return result
}

export interface GovernedTarget {
  tool: string
  /** Default `run`. */
  operation?: string
  agentId?: string
}

/**
 * Wrap a function so every call is governed: `governed('shell', run)` returns `(params, context?) => result`.
 * The params object is what the policy sees, so keep it the same shape the function receives.
 */
export function governed<P extends Record<string, unknown>, R>(
  c: CoreClient,
  target: string | GovernedTarget,
  fn: (params: P, action: GovernedAction) => R | Promise<R>,
  o: GateOptions = {},
): (params: P, context?: Record<string, unknown>) => Promise<R> {
  const t = typeof target === 'string' ? { tool: target } : target
  return (params, context) =>
    withGate(c, { agent_id: t.agentId, tool: t.tool, operation: t.operation ?? 'run', params, context }, (a) => fn(params, a), o)
}
