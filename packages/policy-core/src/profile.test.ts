import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'
import { PolicyError } from './errors.js'
import { sha256Hex } from './hashes.js'
import { evaluateProfile, parseProfile } from './profile.js'

const example = readFileSync(new URL('../../../policies/profile.example.yaml', import.meta.url), 'utf8')
const req = (tool: string, params: Record<string, unknown> = {}, context: Record<string, unknown> = {}, operation = 'refund') => ({
  agent_id: 'a',
  tool,
  operation,
  params,
  context,
})

function bad(text: string): PolicyError {
  try {
    parseProfile(text)
  } catch (err) {
    return err as PolicyError
  }
  throw new Error('expected an error')
}

describe('profiles', () => {
  const profile = parseProfile(example, { source: 'profile.example.yaml' })

  it('parses id, version, tools, rules and controls, with the defaults filled in', () => {
    expect(profile).toMatchObject({ id: 'support-agents', version: '1', allowed_tools: ['http', 'stripe', 'shell'], required_controls: { approval_token: false } })
    expect(profile.rules.map((r) => [r.name, r.outcome, r.reason_code, r.pattern])).toEqual([
      ['Refunds above 5000 are outside this profile', 'HALT', 'PROFILE_RULE_DENY', null],
      ['Privileged shell commands need a human', 'ABSTAIN', 'PROFILE_REQUIRE_APPROVAL', 'sudo '],
    ])
    expect(profile.hash).toBe(sha256Hex(canonicalJson(profile.normalized)))
  })

  it('fills the original defaults: id "default", version "1", no tools, no rules, approval_token false', () => {
    const p = parseProfile('{}\n')
    expect(p.normalized).toEqual({ id: 'default', version: '1', allowed_tools: [], rules: [], required_controls: { approval_token: false } })
    expect(parseProfile('version: 7\n').version).toBe('7')
  })

  it('hashes what a profile means, not how it is written', () => {
    const a = parseProfile('id: p\nallowed_tools: [http]\nrules:\n  - {name: r, when: {tool: http}}\n')
    const b = parseProfile('# same\nrules:\n  - {reason_code: PROFILE_RULE_DENY, outcome: HALT, when: {tool: http}, name: r}\nid: "p"\nversion: "1"\nallowed_tools: [http]\nrequired_controls: {}\n')
    expect(b.hash).toBe(a.hash)
    expect(parseProfile('id: p\nallowed_tools: [http]\nrules:\n  - {name: r, when: {tool: http}, pattern: x}\n').hash).not.toBe(a.hash)
  })

  it('passes a request that meets the profile', () => {
    expect(evaluateProfile(profile, req('stripe', { amount: 100 }))).toBeNull()
  })

  it('halts a tool outside allowed_tools, and every tool when allowed_tools is absent or empty', () => {
    expect(evaluateProfile(profile, req('ftp'))).toMatchObject({ outcome: 'HALT', reason_code: 'PROFILE_DISALLOWS_TOOL' })
    expect(evaluateProfile(profile, { agent_id: 'a', tool: 7, operation: 'x' })?.reason_code).toBe('PROFILE_DISALLOWS_TOOL')
    for (const text of ['id: p\n', 'id: p\nallowed_tools: []\n']) {
      expect(evaluateProfile(parseProfile(text), req('http'))?.reason_code).toBe('PROFILE_DISALLOWS_TOOL')
    }
    expect(evaluateProfile(parseProfile('id: p\nallowed_tools: ["*"]\n'), req('anything'))).toBeNull()
  })

  it('applies the first matching rule; its name is the reason', () => {
    expect(evaluateProfile(profile, req('stripe', { amount: '9000' }))).toEqual({
      outcome: 'HALT',
      reason_code: 'PROFILE_RULE_DENY',
      reason: 'Refunds above 5000 are outside this profile',
    })
    expect(evaluateProfile(profile, req('shell', { cmd: 'sudo ls' }, {}, 'run'))).toEqual({
      outcome: 'ABSTAIN',
      reason_code: 'PROFILE_REQUIRE_APPROVAL',
      reason: 'Privileged shell commands need a human',
    })
  })

  it('requires both `when` and the rule-level pattern, which searches the canonical params only', () => {
    const p = parseProfile('id: p\nallowed_tools: [shell, http]\nrules:\n  - {name: no-rm, when: {tool: shell}, pattern: "rm -rf /|mkfs"}\n')
    expect(evaluateProfile(p, req('shell', { cmd: 'rm -rf /' }, {}, 'run'))).toMatchObject({ reason: 'no-rm' })
    expect(evaluateProfile(p, req('shell', { cmd: 'rm -rf ./build' }, {}, 'run'))).toBeNull()
    expect(evaluateProfile(p, req('http', { body: 'rm -rf /' }, {}, 'post'))).toBeNull()
    expect(evaluateProfile(p, req('shell', {}, { note: 'mkfs' }, 'run'))).toBeNull()
    // A pattern in `when` and one on the rule must both match.
    const both = parseProfile('id: p\nallowed_tools: [shell]\nrules:\n  - {name: r, when: {tool: shell, pattern: sudo}, pattern: reboot}\n')
    expect(evaluateProfile(both, req('shell', { cmd: 'sudo reboot' }))).toMatchObject({ reason: 'r' })
    expect(evaluateProfile(both, req('shell', { cmd: 'sudo ls' }))).toBeNull()
    expect(evaluateProfile(both, req('shell', { cmd: 'reboot' }))).toBeNull()
  })

  it('lets an EXECUTE rule end the profile step without deciding (and without the control check)', () => {
    const p = parseProfile('id: p\nallowed_tools: [x, y]\nrules:\n  - {name: ok, when: {tool: x}, outcome: EXECUTE}\n  - {name: stop, when: {tool: "*"}}\nrequired_controls: {approval_token: true}\n')
    expect(evaluateProfile(p, req('x'))).toBeNull()
    expect(evaluateProfile(p, req('y'))).toMatchObject({ outcome: 'HALT', reason: 'stop' })
  })

  it('checks required_controls.approval_token after the rules: a non-empty context or params approval_token', () => {
    const p = parseProfile('id: p\nallowed_tools: [http]\nrules:\n  - {name: r, when: {tool: http, op: delete}}\nrequired_controls:\n  approval_token: true\n')
    expect(evaluateProfile(p, req('http', {}, {}, 'delete'))).toMatchObject({ reason_code: 'PROFILE_RULE_DENY' })
    for (const context of [{}, { approval_token: '' }, { approval_token: null }, { approval_token: [] }, { approval_token: 0 }, { approval_token: false }]) {
      expect(evaluateProfile(p, req('http', {}, context, 'get'))).toEqual({
        outcome: 'HALT',
        reason_code: 'PROFILE_MISSING_REQUIRED_CONTROL',
        reason: 'Profile requires approval_token but none provided',
      })
    }
    expect(evaluateProfile(p, req('http', {}, { approval_token: 't' }, 'get'))).toBeNull()
    expect(evaluateProfile(p, req('http', { approval_token: 't' }, {}, 'get'))).toBeNull()
  })

  it('fails closed on params that are not JSON', () => {
    expect(evaluateProfile(profile, req('shell', { n: NaN }, {}, 'run'))).toMatchObject({ outcome: 'HALT', reason_code: 'INTERNAL_ERROR' })
  })
})

describe('invalid profiles', () => {
  it('rejects keys outside the original schema, each with its location', () => {
    expect(bad('id: p\nrules:\n  - {name: r, when: {tol: x}}\n')).toMatchObject({ code: 'UNKNOWN_KEY', path: 'rules[0].when.tol', line: 3 })
    expect(bad('id: p\nrules:\n  - name: r\n    when: {tool: x}\n    reason: because\n')).toMatchObject({
      code: 'UNKNOWN_KEY',
      path: 'rules[0].reason',
      line: 5,
      message: 'Unknown rule key "reason" in rules[0]; expected one of name, when, pattern, outcome, reason_code',
    })
    expect(bad('id: p\ndescription: hi\n')).toMatchObject({ code: 'UNKNOWN_KEY', path: 'description', line: 2 })
    expect(bad('id: p\nrequired_controls:\n  approval_token: true\n  ticket_id: true\n')).toMatchObject({ code: 'UNKNOWN_KEY', path: 'required_controls.ticket_id', line: 4 })
  })

  it('rejects a rule without a name or without conditions, a bad outcome, pattern or reason code', () => {
    expect(bad('id: p\nrules:\n  - {when: {tool: x}}\n')).toMatchObject({ code: 'SCHEMA_VIOLATION', path: 'rules[0]' })
    expect(bad('id: p\nrules:\n  - {name: "", when: {tool: x}}\n').path).toBe('rules[0].name')
    expect(bad('id: p\nrules:\n  - {name: r, pattern: abc}\n').message).toContain('missing the required key "when"')
    expect(bad('id: p\nrules:\n  - {name: r, when: {}}\n')).toMatchObject({ code: 'EMPTY_MATCH', path: 'rules[0].when' })
    expect(bad('id: p\nrules:\n  - {name: r, when: {tool: x}, outcome: STOP}\n').path).toBe('rules[0].outcome')
    expect(bad('id: p\nrules:\n  - {name: r, when: {tool: x}, pattern: "("}\n')).toMatchObject({ code: 'INVALID_PATTERN', path: 'rules[0].pattern' })
    expect(bad('id: p\nrules:\n  - {name: r, when: {pattern: "("}}\n')).toMatchObject({ code: 'INVALID_PATTERN', path: 'rules[0].when.pattern' })
    expect(bad('id: p\nrules:\n  - {name: r, when: {tool: x}, reason_code: ""}\n').path).toBe('rules[0].reason_code')
  })

  it('rejects wrong types: a list of controls, a list of tools as text, a fractional version, a null', () => {
    expect(bad('id: p\nrequired_controls: [ticket_id]\n').message).toContain('required_controls must be a mapping')
    expect(bad('id: p\nallowed_tools: shell\n').message).toContain('must be a list')
    expect(bad('id: p\nversion: 1.5\n').path).toBe('version')
    expect(bad('id: p\nrequired_controls: {approval_token: "yes"}\n').path).toBe('required_controls.approval_token')
    expect(bad('id: p\nrules:\n').path).toBe('rules')
    expect(bad('- a\n').code).toBe('SCHEMA_VIOLATION')
  })
})
