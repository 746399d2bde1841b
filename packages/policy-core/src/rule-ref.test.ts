import { describe, expect, it } from 'vitest'
import { explain } from './explain.js'
import { evaluate } from './evaluate.js'
import { isPolicyError } from './errors.js'
import { parsePolicy } from './parse-policy.js'
import { ruleRef } from './rule-ref.js'
import * as wire from './wire-values.js'

const POLICY = `rules:
  - match: { tool: http, op: get }
    allow: true
  - match: { tool: shell, op: "*", contains: "rm -rf" }
    deny: true
  - match: { tool: shell, op: "*" }
    require_approval: true
  - match: { tool: stripe, op: refund }
    deny: true
    description: No refunds
`

describe('ruleRef', () => {
  it('names a rule by its 0-based position, as rule_index counts it', () => {
    expect(ruleRef(0)).toBe('rules[0]')
    expect(ruleRef(3)).toBe('rules[3]')
  })

  it('gives the fourth rule one name: the decision, the explain trace and a policy error all say rules[3]', () => {
    const policy = parsePolicy(POLICY, { source: 'p.yaml' })
    const request = { agent_id: 'a', tool: 'stripe', operation: 'refund', params: {} }
    const decided = evaluate(policy, request)
    expect(ruleRef(decided.rule_index!)).toBe('rules[3]')
    const matched = explain(policy, request).trace.find((t) => t.matched)!
    expect(ruleRef(matched.rule_index)).toBe('rules[3]')
    // The same rule with a typo: the error's YAML path starts with the same name.
    let path = ''
    try {
      parsePolicy(POLICY.replace('description: No refunds', 'descripton: No refunds'), { source: 'p.yaml' })
    } catch (err) {
      if (isPolicyError(err)) path = err.errors[0]!.path ?? ''
    }
    expect(path.startsWith(`${ruleRef(3)}.`)).toBe(true)
  })

  it('is exported on the browser-safe wire subpath the dashboard imports', () => {
    expect(wire.ruleRef).toBe(ruleRef)
  })
})
