import { describe, expect, it } from 'vitest'
import vectors from '../test/python-vectors.json' with { type: 'json' }
import { canonicalJson } from './canonical-json.js'
import { EMPTY_PROFILE_HASH, policyVersion, profileHash, provenanceId, requestHash, sha256Hex } from './hashes.js'
import { parsePolicy } from './parse-policy.js'

describe('hashes', () => {
  it('request_hash equals the reference for the same request', () => {
    const [first, second] = vectors
    expect(requestHash(JSON.parse(first!.input))).toBe(first!.sha256)
    expect(requestHash(JSON.parse(second!.input))).toBe(second!.sha256)
  })

  it('request_hash defaults params and context to {} and ignores other fields', () => {
    const base = { agent_id: 'a1', tool: 'shell', operation: 'run' }
    const full = { ...base, params: {}, context: {} }
    expect(requestHash(base)).toBe(requestHash(full))
    expect(requestHash({ ...full, extra: 1 } as typeof full)).toBe(requestHash(full))
    expect(requestHash({ ...full, params: { cmd: 'ls' } })).not.toBe(requestHash(full))
  })

  it('policy_hash depends on rules and risk rules only, not layout or comments', () => {
    const a = parsePolicy('rules:\n  - match: {tool: http}\n    allow: true\n')
    const b = parsePolicy('# comment\ndescription: other\nrules:\n- allow: true\n  match:\n    tool: "http"\n')
    const c = parsePolicy('rules:\n  - match: {tool: http}\n    deny: true\n')
    expect(a.hash).toBe(b.hash)
    expect(a.hash).not.toBe(c.hash)
    expect(a.hash).toBe(sha256Hex(canonicalJson({ rules: [{ match: { tool: 'http' }, allow: true }], risk_rules: [] })))
  })

  it('policy_version is sha256: plus 12 hex digits unless overridden', () => {
    const p = parsePolicy('rules:\n  - match: {tool: http}\n    allow: true\n')
    expect(policyVersion(p)).toBe(`sha256:${p.hash.slice(0, 12)}`)
    expect(policyVersion(p, 'v42')).toBe('v42')
    expect(policyVersion(p, '')).toBe(`sha256:${p.hash.slice(0, 12)}`)
  })

  it('provenance_id joins the four parts with | and treats missing ones as empty', () => {
    const parts = { request_hash: 'r', policy_hash: 'p', profile_hash: null, runtime_version: 'faramesh-ts/0.1.0' }
    expect(provenanceId(parts)).toBe(sha256Hex('r|p||faramesh-ts/0.1.0'))
    expect(provenanceId({ ...parts, profile_hash: 'h' })).toBe(sha256Hex('r|p|h|faramesh-ts/0.1.0'))
  })

  it('profile_hash is null without a profile', () => {
    expect(profileHash(null)).toBeNull()
    expect(profileHash({ hash: 'x' })).toBe('x')
    expect(EMPTY_PROFILE_HASH).toBe(sha256Hex('{}'))
  })
})
