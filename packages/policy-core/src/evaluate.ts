// First match wins, deny by default. The tool index narrows the candidates; walking the tool's own rules and the
// any-tool rules together by index keeps the exact order a linear scan would give.
import type { CompiledRule, Policy } from './policy.js'
import { prepareRequest } from './prepared-request.js'
import type { PreparedRequest } from './prepared-request.js'
import type { Effect, Outcome, ReasonCode, RiskLevel } from './wire.js'
import { OUTCOME_BY_DECISION } from './wire-values.js'

export interface Decision {
  decision: Effect
  reason: string | null
  reason_code: ReasonCode
  rule_index: number | null
  risk: RiskLevel | null
}

export const DEFAULT_REASONS: Readonly<Record<Effect, string>> = {
  deny: 'Denied by policy rule',
  require_approval: 'Requires approval by policy rule',
  allow: 'Allowed by policy rule',
}

export const NO_MATCH_REASON = 'No rule matched (deny by default)'

const REASON_CODES: Readonly<Record<Effect, ReasonCode>> = {
  allow: 'POLICY_ALLOW',
  deny: 'POLICY_DENY',
  require_approval: 'POLICY_REQUIRE_APPROVAL',
}

/** EXECUTE / ABSTAIN / HALT for a decision. */
export function outcomeOf(decision: Effect): Outcome {
  return OUTCOME_BY_DECISION[decision]
}

export function decisionOf(rule: CompiledRule): Decision {
  return {
    decision: rule.effect,
    reason: rule.description ?? DEFAULT_REASONS[rule.effect],
    reason_code: REASON_CODES[rule.effect],
    rule_index: rule.index,
    risk: rule.risk,
  }
}

export function noMatchDecision(): Decision {
  return { decision: 'deny', reason: NO_MATCH_REASON, reason_code: 'DEFAULT_DENY_NO_MATCH', rule_index: null, risk: null }
}

/** Fail closed: a request that cannot be evaluated (e.g. params that are not JSON) is denied. */
export function internalErrorDecision(err: unknown): Decision {
  const detail = err instanceof Error ? err.message : String(err)
  return { decision: 'deny', reason: `Request could not be evaluated: ${detail}`, reason_code: 'INTERNAL_ERROR', rule_index: null, risk: null }
}

/** The first rule that matches, or null. Throws only if a condition cannot be computed (non-JSON params). */
export function firstMatch(policy: Policy, p: PreparedRequest): CompiledRule | null {
  const any = policy.index.anyTool
  const own = typeof p.tool === 'string' ? policy.index.byTool.get(p.tool) : undefined
  if (own === undefined) {
    for (let j = 0; j < any.length; j++) if (any[j]!.test(p)) return any[j]!
    return null
  }
  let i = 0
  let j = 0
  while (i < own.length || j < any.length) {
    const a = own[i]
    const b = any[j]
    const next = b === undefined || (a !== undefined && a.index < b.index) ? (i++, a!) : (j++, b)
    if (next.test(p)) return next
  }
  return null
}

/** Never throws: any JSON request gets a decision. */
export function evaluate(policy: Policy, request: unknown): Decision {
  try {
    const rule = firstMatch(policy, prepareRequest(request))
    return rule ? decisionOf(rule) : noMatchDecision()
  } catch (err) {
    return internalErrorDecision(err)
  }
}
