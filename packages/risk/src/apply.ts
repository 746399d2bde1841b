// How a risk level changes a decision. The matched rule's own `risk` wins over the computed level; a final level of
// `high` turns an `allow` into `require_approval`, and the reason says so.
import type { Decision, ReasonCode, RiskLevel } from '@faramesh/policy-core'
import type { RiskAssessment } from './assess.js'

export const HIGH_RISK_SUFFIX = ' (high risk requires approval)'

export interface RiskedDecision extends Decision {
  /** The level the action carries: the matched rule's `risk` if it has one, else the computed level. */
  risk_level: RiskLevel
  /** The risk rule that set risk_level, or null (no risk rule matched, or the policy rule's own risk won). */
  risk_rule: string | null
  /** True when this function changed allow into require_approval. */
  risk_upgraded: boolean
}

export function applyRisk(decision: Decision, risk: RiskAssessment): RiskedDecision {
  const own = decision.risk
  const risk_level = own ?? risk.risk_level
  const risk_rule = own === null ? risk.rule : null
  if (decision.decision === 'allow' && risk_level === 'high') {
    const reason_code: ReasonCode = 'POLICY_REQUIRE_APPROVAL'
    const because = risk_rule === null ? '' : ` [risk rule ${risk_rule}]`
    return {
      ...decision,
      decision: 'require_approval',
      reason: `${decision.reason ?? 'Allowed by policy rule'}${because}${HIGH_RISK_SUFFIX}`,
      reason_code,
      risk_level,
      risk_rule,
      risk_upgraded: true,
    }
  }
  return { ...decision, risk_level, risk_rule, risk_upgraded: false }
}
