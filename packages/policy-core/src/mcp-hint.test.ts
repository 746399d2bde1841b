import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PolicyError } from './errors.js'
import { evaluate } from './evaluate.js'
import { explain } from './explain.js'
import { parsePolicy } from './parse-policy.js'
import { prepareRequest } from './prepared-request.js'
import type { Policy } from './policy.js'
import { profileFromObject, evaluateProfile } from './profile.js'

/** The first matching risk rule's name (policy-core cannot import @faramesh/risk, which depends on it). */
const assessRiskLike = (policy: Policy, request: unknown): string | null =>
  policy.riskRules.find((r) => r.test(prepareRequest(request)))?.name ?? null

const policy = parsePolicy(`
rules:
  - match: {tool: "mcp:files", mcp_hint: destructive}
    require_approval: true
    description: Destructive MCP tools need a person
  - match: {tool: "mcp:files", mcp_hint: open_world}
    deny: true
  - match: {tool: "mcp:files", op: "*"}
    allow: true
`)

const call = (annotations: unknown, params: Record<string, unknown> = {}) => ({
  agent_id: 'a1',
  tool: 'mcp:files',
  operation: 'write_file',
  params,
  context: { mcp: { server: 'files', annotations, protocol_version: '2025-11-25', agent_source: 'token' } },
})

describe('mcp_hint', () => {
  it('holds with the spec risky defaults unless the exact boolean hint relaxes it', () => {
    const closed = { readOnlyHint: true, openWorldHint: false }
    expect(evaluate(policy, call(closed)).decision).toBe('allow')
    expect(evaluate(policy, call({ destructiveHint: false, openWorldHint: false })).decision).toBe('allow')
    // Missing annotations, missing hints, or hints that are not the exact boolean: every risk holds.
    for (const a of [null, undefined, {}, { readOnlyHint: 'true' }, { readOnlyHint: 1 }, { destructiveHint: 0 }, [], 'x']) {
      expect(evaluate(policy, call(a)).decision).toBe('require_approval')
    }
    expect(evaluate(policy, call({ readOnlyHint: true })).decision).toBe('deny') // open_world by default
    expect(evaluate(policy, { agent_id: 'a1', tool: 'mcp:files', operation: 'x' }).decision).toBe('require_approval')
  })

  it('truth table of each value', () => {
    const one = (hint: string, a: Record<string, unknown>) =>
      evaluate(parsePolicy(`rules:\n  - match: {tool: t, mcp_hint: ${hint}}\n    deny: true\n  - match: {tool: t}\n    allow: true\n`), {
        agent_id: 'a', tool: 't', operation: 'o', context: { mcp: { annotations: a } },
      }).decision === 'deny'
    expect([one('destructive', {}), one('destructive', { readOnlyHint: true }), one('destructive', { destructiveHint: false }),
      one('destructive', { destructiveHint: true, readOnlyHint: false })]).toEqual([true, false, false, true])
    expect([one('writes', {}), one('writes', { readOnlyHint: true }), one('writes', { destructiveHint: false })]).toEqual([true, false, true])
    expect([one('open_world', {}), one('open_world', { openWorldHint: false }), one('open_world', { openWorldHint: true })]).toEqual([true, false, true])
    expect([one('not_idempotent', {}), one('not_idempotent', { idempotentHint: true }), one('not_idempotent', { idempotentHint: false })]).toEqual([true, false, true])
  })

  it('spoofing: annotations in params never change the decision', () => {
    const spoof = { mcp: { annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false, idempotentHint: true } } }
    expect(evaluate(policy, call(null, spoof))).toEqual(evaluate(policy, call(null)))
    expect(evaluate(policy, call(null, spoof)).decision).toBe('require_approval')
    expect(evaluate(policy, call(null, { readOnlyHint: true, annotations: { readOnlyHint: true } })).decision).toBe('require_approval')
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (a, params) => {
        const base = evaluate(policy, call(a))
        expect(evaluate(policy, call(a, { ...params, mcp: { annotations: { readOnlyHint: true } } }))).toEqual(base)
      }),
    )
  })

  it('is refused on an allow rule, with its location', () => {
    let err: PolicyError | null = null
    try {
      parsePolicy('rules:\n  - match: {tool: x}\n    deny: true\n  - match: {tool: y, mcp_hint: writes}\n    allow: true\n', { source: 'p.yaml' })
    } catch (e) {
      err = e as PolicyError
    }
    expect(err).toBeInstanceOf(PolicyError)
    expect(err!.errors).toHaveLength(1)
    expect(err!.errors[0]).toMatchObject({ path: 'rules[1].match.mcp_hint', line: 4 })
    expect(err!.message).toContain('mcp_hint can only tighten')
  })

  it('is allowed in deny and require_approval rules, risk rules and profiles; an unknown value is refused', () => {
    const p = parsePolicy(`
rules:
  - match: {tool: t, mcp_hint: not_idempotent}
    deny: true
  - match: {tool: t, op: "*"}
    allow: true
risk:
  rules:
    - {name: world, when: {mcp_hint: open_world}, risk_level: high}
`)
    expect(assessRiskLike(p, { tool: 'u', operation: 'o', context: { mcp: { annotations: { openWorldHint: false } } } })).toBeNull()
    expect(assessRiskLike(p, { tool: 'u', operation: 'o' })).toBe('world')
    expect(() => parsePolicy('rules:\n  - match: {tool: t, mcp_hint: harmless}\n    deny: true\n')).toThrow(/must be one of destructive, writes, open_world, not_idempotent/)
    const prof = profileFromObject({ allowed_tools: ['*'], rules: [{ name: 'no-destructive', when: { mcp_hint: 'destructive' } }] })
    expect(evaluateProfile(prof, call({}))).toMatchObject({ outcome: 'HALT' })
    expect(evaluateProfile(prof, call({ readOnlyHint: true }))).toBeNull()
  })

  it('explain names the hint that relaxed it', () => {
    const e = explain(policy, call({ readOnlyHint: true, openWorldHint: false }))
    expect(e.trace[0]).toMatchObject({
      matched: false,
      failed: { key: 'mcp_hint', expected: 'destructive', actual: { readOnlyHint: true, openWorldHint: false } },
    })
    expect(e.trace[0]!.failed!.why).toBe('mcp_hint destructive does not hold: context.mcp.annotations say readOnlyHint: true or destructiveHint: false')
    expect(e.trace[2]).toMatchObject({ matched: true })
  })
})
