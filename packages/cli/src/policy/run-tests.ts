// Runs policy test cases through the gateway's own decide() and measures which rules the cases exercised.
import type { ActionRequest, GateDecision, Policy } from '@faramesh/policy-core'
import type { ExpectKey, TestCase } from './test-file.js'

export type Decide = (request: ActionRequest) => GateDecision
/** The risk rule that matches a request, whether or not it set the final level (a rule's own `risk` wins). */
export type RiskRuleOf = (request: ActionRequest) => string | null

export interface Mismatch {
  key: ExpectKey
  expected: string | number | null
  actual: string | number | null
}

export interface CaseResult {
  name: string
  passed: boolean
  request: TestCase['request']
  expect: TestCase['expect']
  actual: Pick<GateDecision, 'decision' | 'outcome' | 'reason' | 'reason_code' | 'risk_level' | 'risk_rule' | 'rule_index'>
  mismatches: Mismatch[]
}

export interface Coverage {
  rules_total: number
  rules_exercised: number
  unexercised_rules: Array<{ rule_index: number; description: string | null; effect: string }>
  risk_rules_total: number
  risk_rules_exercised: number
  unexercised_risk_rules: Array<{ name: string }>
}

export interface SuiteResult {
  passed: number
  failed: number
  cases: CaseResult[]
  coverage: Coverage
}

function actualValue(key: ExpectKey, d: GateDecision): string | number | null {
  switch (key) {
    case 'risk':
      return d.risk_level
    case 'reason_contains':
      return d.reason
    default:
      return d[key]
  }
}

function holds(key: ExpectKey, expected: string | number | null, actual: string | number | null): boolean {
  if (key === 'reason_contains') return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected)
  return expected === actual
}

export function runCases(policy: Policy, cases: readonly TestCase[], decide: Decide, riskRuleOf: RiskRuleOf = () => null): SuiteResult {
  const rulesHit = new Set<number>()
  const riskHit = new Set<string>()
  const results = cases.map((c): CaseResult => {
    const d = decide(c.request)
    if (d.rule_index !== null) rulesHit.add(d.rule_index)
    const riskRule = d.risk_rule ?? riskRuleOf(c.request)
    if (riskRule) riskHit.add(riskRule)
    const mismatches: Mismatch[] = []
    for (const [k, expected] of Object.entries(c.expect) as Array<[ExpectKey, string | number | null]>) {
      const actual = actualValue(k, d)
      if (!holds(k, expected, actual)) mismatches.push({ key: k, expected, actual })
    }
    return {
      name: c.name,
      passed: mismatches.length === 0,
      request: c.request,
      expect: c.expect,
      actual: {
        decision: d.decision,
        outcome: d.outcome,
        reason: d.reason,
        reason_code: d.reason_code,
        risk_level: d.risk_level,
        risk_rule: d.risk_rule,
        rule_index: d.rule_index,
      },
      mismatches,
    }
  })
  const unexercised_rules = policy.rules
    .filter((r) => !rulesHit.has(r.index))
    .map((r) => ({ rule_index: r.index, description: r.description, effect: r.effect }))
  const unexercised_risk_rules = policy.riskRules.filter((r) => !riskHit.has(r.name)).map((r) => ({ name: r.name }))
  const passed = results.filter((r) => r.passed).length
  return {
    passed,
    failed: results.length - passed,
    cases: results,
    coverage: {
      rules_total: policy.rules.length,
      rules_exercised: policy.rules.length - unexercised_rules.length,
      unexercised_rules,
      risk_rules_total: policy.riskRules.length,
      risk_rules_exercised: policy.riskRules.length - unexercised_risk_rules.length,
      unexercised_risk_rules,
    },
  }
}
