// Risk scoring (CONTRACT.md § Risk): the first matching risk rule gives the computed level, default `low`.
import { prepareRequest } from '@faramesh/policy-core'
import type { Policy, RiskLevel } from '@faramesh/policy-core'

export interface RiskAssessment {
  risk_level: RiskLevel
  /** Name of the risk rule that set the level, or null when none matched. */
  rule: string | null
}

/**
 * Never throws. A request whose params cannot be searched (not canonicalisable JSON) is rated `high`: failing
 * closed here means an `allow` cannot slip through unreviewed (evaluate() already denies such requests).
 */
export function assessRisk(policy: Pick<Policy, 'riskRules'>, request: unknown): RiskAssessment {
  const p = prepareRequest(request)
  try {
    for (const rule of policy.riskRules) {
      if (rule.test(p)) return { risk_level: rule.risk_level, rule: rule.name }
    }
  } catch {
    return { risk_level: 'high', rule: null }
  }
  return { risk_level: 'low', rule: null }
}
