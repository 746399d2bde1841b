import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'
import { PolicyError } from './errors.js'
import { sha256Hex } from './hashes.js'
import { evaluateProfile, parseProfile } from './profile.js'

const example = readFileSync(new URL('../../../policies/profile.example.yaml', import.meta.url), 'utf8')
const req = (tool: string, params: Record<string, unknown> = {}, context: Record<string, unknown> = { ticket_id: 'T-1' }) => ({
  agent_id: 'a',
  tool,
  operation: 'refund',
  params,
  context,
})

describe('profiles', () => {
  const profile = parseProfile(example, { source: 'profile.example.yaml' })

  it('parses id, version, tools, controls and rules, and hashes the parsed document', () => {
    expect(profile).toMatchObject({ id: 'support-agents', version: '1', allowed_tools: ['http', 'stripe', 'shell'], required_controls: ['ticket_id'] })
    expect(profile.rules.map((r) => [r.outcome, r.reason_code])).toEqual([
      ['HALT', 'PROFILE_RULE_DENY'],
      ['ABSTAIN', 'POLICY_REQUIRE_APPROVAL'],
    ])
    expect(profile.hash).toBe(sha256Hex(canonicalJson(profile.raw)))
  })

  it('passes a request that meets the profile', () => {
    expect(evaluateProfile(profile, req('stripe', { amount: 100 }))).toBeNull()
  })

  it('halts a tool outside allowed_tools', () => {
    expect(evaluateProfile(profile, req('ftp'))).toMatchObject({ outcome: 'HALT', reason_code: 'PROFILE_DISALLOWS_TOOL' })
    expect(evaluateProfile(profile, { agent_id: 'a', tool: 7, operation: 'x', context: { ticket_id: 1 } })?.reason_code).toBe('PROFILE_DISALLOWS_TOOL')
  })

  it('halts when a required control is missing or empty', () => {
    for (const context of [{}, { ticket_id: '' }, { ticket_id: null }, { ticket_id: [] }, { ticket_id: 0 }]) {
      expect(evaluateProfile(profile, req('http', {}, context))).toMatchObject({ outcome: 'HALT', reason_code: 'PROFILE_MISSING_REQUIRED_CONTROL' })
    }
    // The control is read from context, not params.
    expect(evaluateProfile(profile, req('http', { ticket_id: 'T' }, {}))?.reason_code).toBe('PROFILE_MISSING_REQUIRED_CONTROL')
  })

  it('accepts control names with a context. prefix and dotted paths', () => {
    const p = parseProfile('id: p\nrequired_controls: [context.ticket.id]\n')
    expect(evaluateProfile(p, req('x', {}, { ticket: { id: 'T-9' } }))).toBeNull()
    expect(evaluateProfile(p, req('x', {}, { ticket: {} }))?.reason_code).toBe('PROFILE_MISSING_REQUIRED_CONTROL')
  })

  it('applies the first matching rule', () => {
    expect(evaluateProfile(profile, req('stripe', { amount: '9000' }))).toEqual({
      outcome: 'HALT',
      reason_code: 'PROFILE_RULE_DENY',
      reason: 'Refunds above 5000 are outside this profile',
    })
    expect(evaluateProfile(profile, req('shell', { cmd: 'sudo ls' }))).toMatchObject({ outcome: 'ABSTAIN' })
  })

  it('lets an EXECUTE rule end the profile step without deciding', () => {
    const p = parseProfile('id: p\nrules:\n  - {when: {tool: x}, outcome: EXECUTE}\n  - {when: {tool: "*"}, outcome: HALT}\n')
    expect(evaluateProfile(p, req('x'))).toBeNull()
    expect(evaluateProfile(p, req('y'))?.outcome).toBe('HALT')
  })

  it('fails closed on params that are not JSON', () => {
    expect(evaluateProfile(profile, req('shell', { n: NaN }))).toMatchObject({ outcome: 'HALT', reason_code: 'INTERNAL_ERROR' })
  })

  it('rejects invalid profiles with located errors', () => {
    const bad = (t: string): PolicyError => {
      try {
        parseProfile(t)
      } catch (err) {
        return err as PolicyError
      }
      throw new Error('expected an error')
    }
    expect(bad('version: 1\n')).toMatchObject({ code: 'SCHEMA_VIOLATION' })
    expect(bad('id: p\nrules:\n  - {when: {tol: x}, outcome: HALT}\n')).toMatchObject({ code: 'UNKNOWN_KEY', path: 'rules[0].when.tol', line: 3 })
    expect(bad('id: p\nrules:\n  - {when: {tool: x}, outcome: STOP}\n').path).toBe('rules[0].outcome')
    expect(bad('id: p\nrules:\n  - {when: {pattern: "("}, outcome: HALT}\n').code).toBe('INVALID_PATTERN')
    expect(bad('id: p\nallowed_tools: shell\n').message).toContain('must be a list')
  })
})
