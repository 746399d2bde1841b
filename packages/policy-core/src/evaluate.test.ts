import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluate, firstMatch, outcomeOf } from './evaluate.js'
import { parsePolicy, policyFromObject } from './parse-policy.js'
import type { Policy } from './policy.js'
import { prepareRequest } from './prepared-request.js'

const r = (tool: string, operation: string, params: Record<string, unknown> = {}) => ({ agent_id: 'a', tool, operation, params, context: {} })

/** The reference semantics: scan every rule in order. The index must always agree with it. */
function linearFirstMatch(policy: Policy, request: unknown): number | null {
  const p = prepareRequest(request)
  for (const rule of policy.rules) if (rule.test(p)) return rule.index
  return null
}

describe('evaluate', () => {
  const policy = parsePolicy(`
rules:
  - match: {tool: http, op: get}
    allow: true
    description: Allow HTTP GET requests
    risk: low
  - match: {tool: "*", contains: "danger"}
    deny: true
  - match: {tool: http}
    require_approval: true
  - match: {tool: shell, op: "*"}
    require_approval: true
    description: Shell commands require approval
    risk: medium
`)

  it('returns the first matching rule, with its description and risk', () => {
    expect(evaluate(policy, r('http', 'get'))).toEqual({
      decision: 'allow',
      reason: 'Allow HTTP GET requests',
      reason_code: 'POLICY_ALLOW',
      rule_index: 0,
      risk: 'low',
    })
    expect(evaluate(policy, r('shell', 'run'))).toMatchObject({ decision: 'require_approval', rule_index: 3, risk: 'medium' })
  })

  it('keeps file order between tool rules and any-tool rules', () => {
    // rule 1 (any tool) comes before rule 2 (http): a dangerous http post hits rule 1.
    expect(evaluate(policy, r('http', 'post', { q: 'danger' }))).toMatchObject({ decision: 'deny', rule_index: 1 })
    // ...but rule 0 (http get) still wins over rule 1.
    expect(evaluate(policy, r('http', 'get', { q: 'danger' }))).toMatchObject({ decision: 'allow', rule_index: 0 })
    expect(evaluate(policy, r('http', 'post'))).toMatchObject({ decision: 'require_approval', rule_index: 2 })
  })

  it('uses default reasons when a rule has no description', () => {
    expect(evaluate(policy, r('ftp', 'get', { danger: 1 }))).toMatchObject({ reason: 'Denied by policy rule', reason_code: 'POLICY_DENY', risk: null })
    expect(evaluate(policy, r('http', 'post')).reason).toBe('Requires approval by policy rule')
    const allow = policyFromObject({ rules: [{ match: { tool: 'x' }, allow: true }] })
    expect(evaluate(allow, r('x', 'y')).reason).toBe('Allowed by policy rule')
  })

  it('denies by default when no rule matches', () => {
    expect(evaluate(policy, r('ftp', 'get'))).toEqual({
      decision: 'deny',
      reason: 'No rule matched (deny by default)',
      reason_code: 'DEFAULT_DENY_NO_MATCH',
      rule_index: null,
      risk: null,
    })
    expect(evaluate(parsePolicy('rules: []\n'), r('http', 'get')).reason_code).toBe('DEFAULT_DENY_NO_MATCH')
  })

  it('accepts a prepared request and gives the same answer', () => {
    const req = r('http', 'post', { q: 'danger' })
    expect(evaluate(policy, prepareRequest(req))).toEqual(evaluate(policy, req))
  })

  it('maps decisions to outcomes', () => {
    expect([outcomeOf('allow'), outcomeOf('require_approval'), outcomeOf('deny')]).toEqual(['EXECUTE', 'ABSTAIN', 'HALT'])
  })

  it('never throws, whatever JSON arrives (property)', () => {
    const strange = fc.oneof(
      fc.jsonValue(),
      fc.record({ agent_id: fc.jsonValue(), tool: fc.oneof(fc.constantFrom('http', 'shell'), fc.jsonValue()), operation: fc.jsonValue(), params: fc.jsonValue(), context: fc.jsonValue() }, { requiredKeys: [] }),
    )
    const full = parsePolicy(`
rules:
  - match: {tool: shell, pattern: "rm\\\\s+-rf", amount_gt: 5, path_contains: x, method: get, branch: main, agent_id: a, field: u.v, value: [1]}
    deny: true
  - match: {tool: "*", contains: "x", amount_lte: 5, path_starts_with: "/", path_ends_with: z}
    allow: true
  - match: {op: get}
    allow: true
`)
    fc.assert(
      fc.property(strange, (req) => {
        const d = evaluate(full, req)
        expect(['allow', 'deny', 'require_approval']).toContain(d.decision)
      }),
      { numRuns: 1000 },
    )
  })

  it('the tool index always agrees with a linear scan (property)', () => {
    const tools = ['a', 'b', 'c', '*']
    const ruleArb = fc.record({
      tool: fc.option(fc.constantFrom(...tools), { nil: undefined }),
      op: fc.option(fc.constantFrom('x', 'y', '*'), { nil: undefined }),
      amount_gt: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      effect: fc.constantFrom('allow', 'deny', 'require_approval'),
    })
    fc.assert(
      fc.property(
        fc.array(ruleArb, { maxLength: 12 }),
        fc.array(fc.record({ tool: fc.constantFrom('a', 'b', 'c', 'd'), op: fc.constantFrom('x', 'y'), amount: fc.integer({ min: 0, max: 10 }) }), { minLength: 1, maxLength: 5 }),
        (rawRules, requests) => {
          const rules = rawRules.map(({ effect, ...m }) => {
            const match = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined))
            return { match: Object.keys(match).length ? match : { op: '*' }, [effect]: true }
          })
          const p = policyFromObject({ rules })
          for (const q of requests) {
            const req = r(q.tool, q.op, { amount: q.amount })
            expect(firstMatch(p, prepareRequest(req))?.index ?? null).toBe(linearFirstMatch(p, req))
            expect(evaluate(p, req).rule_index).toBe(linearFirstMatch(p, req))
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('only looks at rules for the request tool and any-tool rules', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => ({ match: { tool: `t${i}`, op: 'x' }, allow: true }))
    const p = policyFromObject({ rules: [...rules, { match: { tool: '*' }, deny: true }] })
    expect(p.index.byTool.get('t500')).toHaveLength(1)
    expect(p.index.anyTool).toHaveLength(1)
    expect(evaluate(p, r('t500', 'x')).rule_index).toBe(500)
    expect(evaluate(p, r('t500', 'y')).rule_index).toBe(1000)
  })
})
