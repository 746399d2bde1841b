// The original SDK's convenience functions, kept so code written against @faramesh/sdk 0.3 runs unchanged.
import type { Action, ActionRequest, GateDecision } from '@faramesh/policy-core'
import type { CoreClient } from './core-client.js'
import { DeferredError, DenyError, FarameshBatchError, FarameshDeniedError, FarameshNotFoundError } from './errors.js'
import type { GovernedAction, ReplayResult } from './types.js'
import { invalid } from './validate.js'

type Obj = Record<string, any>
const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** Submit one by one; a failure becomes `{error, action_spec}` in place of the action. */
export async function submitActions(c: CoreClient, specs: ActionRequest[]): Promise<Array<GovernedAction | { error: string; action_spec: ActionRequest }>> {
  const out: Array<GovernedAction | { error: string; action_spec: ActionRequest }> = []
  for (const spec of specs) out.push(await c.submit(spec).catch((e) => ({ error: message(e), action_spec: spec })))
  return out
}

export async function submitActionsBulk(
  c: CoreClient,
  specs: ActionRequest[],
  o: { raiseOnError?: boolean } = {},
): Promise<Array<GovernedAction | { error: string; index: number; actionSpec: ActionRequest }>> {
  const out: Array<GovernedAction | { error: string; index: number; actionSpec: ActionRequest }> = []
  const errors: Array<{ error: string; index: number; actionSpec: ActionRequest }> = []
  for (const [index, actionSpec] of specs.entries()) {
    try {
      out.push(await c.submit(actionSpec))
    } catch (e) {
      const entry = { error: message(e), index, actionSpec }
      errors.push(entry)
      if (!o.raiseOnError) out.push(entry)
    }
  }
  if (o.raiseOnError && errors.length)
    throw new FarameshBatchError(`Batch submission failed: ${errors.length} of ${specs.length} actions failed`, out as Action[], errors)
  return out
}

export interface SubmitAndWaitOptions {
  agentId: string
  tool: string
  operation: string
  params?: Obj
  context?: Obj
  /** Wait for a human when approval is required (else return the pending action). */
  requireApproval?: boolean
  /** Hand the action to the gateway's executor (`/start`) and wait for it to finish. */
  autoStart?: boolean
  timeoutMs?: number
  pollIntervalMs?: number
  signal?: AbortSignal
}

export async function submitAndWait(c: CoreClient, o: SubmitAndWaitOptions): Promise<Action> {
  const w = { timeoutMs: o.timeoutMs ?? 300000, pollIntervalMs: o.pollIntervalMs ?? 1000, signal: o.signal }
  let a: Action = await c.submit({ agent_id: o.agentId, tool: o.tool, operation: o.operation, params: o.params, context: o.context }, { throwOnDeny: false, signal: o.signal })
  if (a.status === 'denied') throw new FarameshDeniedError(`Action denied: ${a.reason ?? 'Action denied by policy'}`, { action: a })
  if (a.status === 'pending_approval') {
    if (!o.requireApproval) return a
    a = await c.blockUntilApproved(a.id, w)
  }
  if (o.autoStart && (a.status === 'allowed' || a.status === 'approved')) {
    await c.startAction(a.id, { signal: o.signal })
    return c.waitForCompletion(a.id, w)
  }
  return a
}

/** Ask the gate again for a stored action and compare outcome, reason code, hashes and runtime. */
export async function replayDecision(c: CoreClient, o: { actionId?: string; provenanceId?: string }): Promise<ReplayResult> {
  let original: Action
  if (o.provenanceId) {
    const found = (await c.listActions({ limit: 1000 })).find((a) => a.provenance_id === o.provenanceId)
    if (!found) throw new FarameshNotFoundError(`No action found with provenance_id '${o.provenanceId}'`, { statusCode: undefined })
    original = found
  } else if (o.actionId) original = await c.getAction(o.actionId)
  else throw invalid('Must provide either actionId or provenanceId')
  const replayed = await c.decide(original)
  const mismatches: string[] = []
  const same = (k: 'outcome' | 'reason_code' | 'request_hash' | 'policy_hash' | 'profile_hash' | 'runtime_version') => {
    const [a, b] = [original[k] ?? null, replayed[k] ?? null]
    if (a !== b) mismatches.push(`${k}: ${a} != ${b}`)
    return a === b
  }
  same('outcome')
  same('reason_code')
  const requestHashMatch = same('request_hash')
  const policyHashMatch = same('policy_hash')
  const profileHashMatch = same('profile_hash')
  const runtimeVersionMatch = same('runtime_version')
  return {
    success: mismatches.length === 0,
    originalOutcome: original.outcome ?? '',
    replayedOutcome: replayed.outcome ?? '',
    originalReasonCode: original.reason_code ?? '',
    replayedReasonCode: replayed.reason_code ?? '',
    requestHashMatch,
    policyHashMatch,
    profileHashMatch,
    runtimeVersionMatch,
    mismatches,
  }
}

/** Decide (nothing stored) and return only on EXECUTE; HALT throws `DenyError`, ABSTAIN `DeferredError`. */
export async function gateGovern(c: CoreClient, agentId: string, tool: string, operation: string, params?: Obj, context?: Obj): Promise<GateDecision> {
  const d = await c.gateDecide(agentId, tool, operation, params, context)
  const code = d.reason_code ?? ''
  if (d.outcome === 'HALT') throw new DenyError(`governance denied: ${code || 'unknown'}`, code, d.reason, d)
  if (d.outcome === 'ABSTAIN') throw new DeferredError(`governance deferred: ${code || 'unknown'}`, code, d.reason, d)
  return d
}

export interface ExecuteIfAllowedOptions {
  agentId: string
  tool: string
  operation: string
  params?: Obj
  context?: Obj
  executor?: (tool: string, operation: string, params: Obj, context: Obj) => unknown
}

/** Decide (nothing stored) and run `executor` only on EXECUTE. */
export async function executeIfAllowed(c: CoreClient, o: ExecuteIfAllowedOptions) {
  const params = o.params ?? {}
  const context = o.context ?? {}
  const decision = await c.decide({ agent_id: o.agentId, tool: o.tool, operation: o.operation, params, context })
  const out: { decision: GateDecision; outcome: string; reasonCode: string; executed: boolean; executionResult?: unknown; executionError?: string } = {
    decision,
    outcome: decision.outcome,
    reasonCode: decision.reason_code,
    executed: false,
  }
  if (decision.outcome === 'EXECUTE' && o.executor) {
    try {
      out.executionResult = await o.executor(o.tool, o.operation, params, context)
      out.executed = true
    } catch (e) {
      out.executionError = message(e)
    }
  }
  return out
}

/** `apply(file)` reads a file, which only Node can: the browser entry answers with this error. */
export async function apply(_c: CoreClient, file: string): Promise<GovernedAction> {
  throw invalid(`Cannot read ${file}: apply(file) needs Node (import @faramesh/sdk there, or @faramesh/sdk/node)`)
}
