import { readFileSync } from 'node:fs'
import { evaluate, parsePolicy } from '@faramesh/policy-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyRisk, assessRisk, HIGH_RISK_SUFFIX } from './index.js'

const policyFile = (name: string) => parsePolicy(readFileSync(new URL(`../../../policies/${name}`, import.meta.url), 'utf8'))
const req = (tool: string, operation: string, params: Record<string, unknown> = {}) => ({ agent_id: 'a', tool, operation, params, context: {} })

// Allows everything, carries no rule-level risk, so the computed level decides.
const open = parsePolicy(`
rules:
  - match: {tool: "*"}
    allow: true
    description: Allow everything
risk:
  rules:
    - name: dangerous_commands
      when: {tool: shell, operation: run, pattern: "rm -rf|shutdown|reboot"}
      risk_level: high
    - name: any_shell
      when: {tool: shell, op: "*"}
      risk_level: medium
    - name: large_payments
      when: {tool: stripe, operation: refund, amount_gt: 1000}
      risk_level: medium
`)

describe('assessRisk', () => {
  it('takes the first matching risk rule', () => {
    expect(assessRisk(open, req('shell', 'run', { cmd: 'rm -rf /' }))).toEqual({ risk_level: 'high', rule: 'dangerous_commands' })
    expect(assessRisk(open, req('shell', 'run', { cmd: 'ls' }))).toEqual({ risk_level: 'medium', rule: 'any_shell' })
    expect(assessRisk(open, req('stripe', 'refund', { amount: '2500' }))).toEqual({ risk_level: 'medium', rule: 'large_payments' })
  })

  it('defaults to low when no risk rule matches', () => {
    expect(assessRisk(open, req('http', 'get'))).toEqual({ risk_level: 'low', rule: null })
    expect(assessRisk(open, req('stripe', 'refund'))).toEqual({ risk_level: 'low', rule: null })
    expect(assessRisk(parsePolicy('rules: []\n'), req('shell', 'run'))).toEqual({ risk_level: 'low', rule: null })
  })

  it('honours `operation` in risk rules (the original silently ignored it)', () => {
    expect(assessRisk(open, req('shell', 'exec', { cmd: 'rm -rf /' }))).toEqual({ risk_level: 'medium', rule: 'any_shell' })
  })

  it('rates a request it cannot search as high rather than throwing', () => {
    expect(assessRisk(open, req('shell', 'run', { n: NaN }))).toEqual({ risk_level: 'high', rule: null })
  })

  it('never throws on any JSON request (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (tool, params) => {
        const r = assessRisk(open, { agent_id: 'a', tool, operation: 'run', params })
        expect(['low', 'medium', 'high']).toContain(r.risk_level)
      }),
    )
  })
})

describe('applyRisk', () => {
  it('turns allow into require_approval when the level is high, naming the risk rule', () => {
    const r = req('shell', 'run', { cmd: 'sudo reboot' })
    const final = applyRisk(evaluate(open, r), assessRisk(open, r))
    expect(final).toMatchObject({
      decision: 'require_approval',
      reason_code: 'POLICY_REQUIRE_APPROVAL',
      risk_level: 'high',
      risk_rule: 'dangerous_commands',
      risk_upgraded: true,
      rule_index: 0,
    })
    expect(final.reason).toBe(`Allow everything [risk rule dangerous_commands]${HIGH_RISK_SUFFIX}`)
    expect(final.reason?.endsWith(' (high risk requires approval)')).toBe(true)
  })

  it('leaves allow alone below high', () => {
    const r = req('stripe', 'refund', { amount: 5000 })
    expect(applyRisk(evaluate(open, r), assessRisk(open, r))).toMatchObject({
      decision: 'allow',
      reason: 'Allow everything',
      reason_code: 'POLICY_ALLOW',
      risk_level: 'medium',
      risk_rule: 'large_payments',
      risk_upgraded: false,
    })
  })

  it("lets the matched rule's own risk win over the computed level", () => {
    const p = policyFile('risk-scoring.yaml')
    // http rule says risk low; no risk rule matches anyway.
    expect(applyRisk(evaluate(p, req('http', 'get')), assessRisk(p, req('http', 'get')))).toMatchObject({ risk_level: 'low', risk_rule: null })
    // shell rule says medium although dangerous_commands computes high: the action stays require_approval, medium.
    const r = req('shell', 'run', { cmd: 'rm -rf /' })
    expect(applyRisk(evaluate(p, r), assessRisk(p, r))).toMatchObject({ decision: 'require_approval', risk_level: 'medium', risk_rule: null })
    // A rule with its own risk: high upgrades its own allow.
    const own = parsePolicy('rules:\n  - match: {tool: x}\n    allow: true\n    risk: high\n')
    expect(applyRisk(evaluate(own, req('x', 'y')), assessRisk(own, req('x', 'y')))).toMatchObject({
      decision: 'require_approval',
      reason: `Allowed by policy rule${HIGH_RISK_SUFFIX}`,
      risk_level: 'high',
      risk_rule: null,
    })
  })

  it('never changes deny or require_approval, only annotates them', () => {
    const p = policyFile('default.yaml')
    const denied = req('shell', 'run', { cmd: 'rm -rf /' })
    expect(applyRisk(evaluate(p, denied), assessRisk(p, denied))).toMatchObject({ decision: 'deny', reason: 'Block destructive commands', risk_level: 'high' })
    const none = req('ftp', 'get')
    expect(applyRisk(evaluate(p, none), assessRisk(p, none))).toMatchObject({ decision: 'deny', reason_code: 'POLICY_DENY', risk_level: 'high' })
    const pending = req('stripe', 'refund', { amount: 1500 })
    expect(applyRisk(evaluate(p, pending), assessRisk(p, pending))).toMatchObject({ decision: 'require_approval', risk_level: 'medium', risk_upgraded: false })
  })

  it('uses the computed level when no rule matched', () => {
    const p = parsePolicy('rules: []\nrisk:\n  rules:\n    - {name: r, when: {tool: x}, risk_level: high}\n')
    expect(applyRisk(evaluate(p, req('x', 'y')), assessRisk(p, req('x', 'y')))).toMatchObject({
      decision: 'deny',
      reason_code: 'DEFAULT_DENY_NO_MATCH',
      risk_level: 'high',
      risk_rule: 'r',
    })
  })
})
