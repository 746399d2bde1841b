// Fail-open: when the gateway is unreachable and the caller chose availability over control, the call goes
// through marked `governed: false`. Warned about once per process, loudly enough to be noticed in logs.
import type { ActionRequest } from '@faramesh/policy-core'
import { FarameshConnectionError, FarameshTimeoutError } from './errors.js'
import type { GovernedAction, GovernedDecision, ResolvedConfig } from './types.js'

let warned = false

/** True when `e` means "could not reach the gateway" and the config says to let the call through. */
export function shouldFailOpen(config: ResolvedConfig, e: unknown): boolean {
  if (config.failMode !== 'failOpen') return false
  if (!(e instanceof FarameshConnectionError || e instanceof FarameshTimeoutError)) return false
  if (!warned) {
    warned = true
    console.warn(`[faramesh] gateway unreachable (${(e as Error).message}); failOpen: actions run UNGOVERNED and are not recorded`)
  }
  return true
}

const REASON = 'Faramesh unreachable: allowed by failOpen, not governed'

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`
}

export function ungovernedAction(req: ActionRequest): GovernedAction {
  const now = new Date().toISOString()
  return {
    id: `ungoverned-${randomId()}`,
    agent_id: req.agent_id,
    tool: req.tool,
    operation: req.operation,
    params: req.params ?? {},
    context: req.context ?? {},
    status: 'allowed',
    decision: 'allow',
    reason: REASON,
    risk_level: null,
    approval_token: null,
    policy_version: null,
    created_at: now,
    updated_at: now,
    governed: false,
  }
}

export function ungovernedDecision(req: ActionRequest): GovernedDecision {
  return {
    agent_id: req.agent_id,
    tool: req.tool,
    operation: req.operation,
    decision: 'allow',
    outcome: 'EXECUTE',
    reason: REASON,
    reason_code: 'INTERNAL_ERROR',
    risk_level: null,
    risk_rule: null,
    rule_index: null,
    request_hash: '',
    policy_hash: '',
    policy_version: '',
    profile_id: null,
    profile_version: null,
    profile_hash: null,
    runtime_version: '',
    provenance_id: '',
    governed: false,
  }
}

/** For tests: forget that the warning was printed. */
export function resetFailOpenWarning(): void {
  warned = false
}
