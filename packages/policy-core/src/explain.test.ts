import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluate } from './evaluate.js'
import { explain } from './explain.js'
import { parsePolicy } from './parse-policy.js'

const policy = parsePolicy(`
rules:
  - match: {tool: stripe, op: refund, amount_gt: 1000}
    require_approval: true
    description: Large refunds require approval
  - match: {tool: shell, pattern: "rm -rf"}
    deny: true
  - match: {tool: stripe, op: "*"}
    allow: true
`)

describe('explain', () => {
  it('says which condition failed for each rule up to the match', () => {
    const e = explain(policy, { agent_id: 'a', tool: 'stripe', operation: 'refund', params: { amount: '250' } })
    expect(e.decision).toMatchObject({ decision: 'allow', rule_index: 2 })
    expect(e.trace).toEqual([
      {
        rule_index: 0,
        description: 'Large refunds require approval',
        matched: false,
        failed: { key: 'amount_gt', expected: 1000, actual: '250', why: 'amount 250 is not > 1000' },
      },
      {
        rule_index: 1,
        description: 'deny when tool=shell, pattern=rm -rf',
        matched: false,
        failed: { key: 'tool', expected: 'shell', actual: 'stripe', why: 'tool is "stripe", not "shell"' },
      },
      { rule_index: 2, description: 'allow when tool=stripe, op=*', matched: true },
    ])
  })

  it('explains a missing amount and a pattern miss', () => {
    const e = explain(policy, { agent_id: 'a', tool: 'shell', operation: 'refund', params: { cmd: 'ls' } })
    expect(e.decision.reason_code).toBe('DEFAULT_DENY_NO_MATCH')
    expect(e.trace.map((t) => t.failed?.why)).toEqual([
      'tool is "shell", not "stripe"',
      'params JSON does not match the pattern "rm -rf"',
      'tool is "shell", not "stripe"',
    ])
    const missing = explain(policy, { agent_id: 'a', tool: 'stripe', operation: 'refund' })
    expect(missing.trace[0]?.failed).toMatchObject({ key: 'amount_gt', actual: undefined, why: 'no amount in params or context' })
  })

  it('stops where evaluation failed closed', () => {
    const e = explain(policy, { agent_id: 'a', tool: 'shell', operation: 'run', params: { n: Infinity } })
    expect(e.decision.reason_code).toBe('INTERNAL_ERROR')
    expect(e.trace.at(-1)?.failed).toMatchObject({ key: 'pattern', error: true })
  })

  it('always reports the decision evaluate() gives (property)', () => {
    const req = fc.record({
      agent_id: fc.string(),
      tool: fc.constantFrom('stripe', 'shell', 'http'),
      operation: fc.constantFrom('refund', 'run'),
      params: fc.record({ amount: fc.oneof(fc.integer(), fc.string()), cmd: fc.constantFrom('ls', 'rm -rf /') }, { requiredKeys: [] }),
    })
    fc.assert(
      fc.property(req, (q) => {
        const e = explain(policy, q)
        expect(e.decision).toEqual(evaluate(policy, q))
        const last = e.trace.at(-1)
        if (e.decision.rule_index === null) expect(e.trace.every((t) => !t.matched)).toBe(true)
        else expect(last).toMatchObject({ rule_index: e.decision.rule_index, matched: true })
      }),
    )
  })
})
