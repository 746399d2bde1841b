import { parsePolicy, parseProfile, provenanceId, requestHash } from '@faramesh/policy-core'
import { describe, expect, it } from 'vitest'
import { decide } from './decide.js'
import { RUNTIME_VERSION } from './version.js'

const policy = parsePolicy('rules:\n  - match: { tool: http, op: get }\n    allow: true\n', { source: 't.yaml' })
const req = { agent_id: 'a', tool: 'http', operation: 'get', params: { url: 'x' } }

describe('decide', () => {
  it('binds request, policy and runtime into the provenance id', () => {
    const d = decide({ policy }, req)
    expect(d).toMatchObject({ decision: 'allow', outcome: 'EXECUTE', reason_code: 'POLICY_ALLOW', rule_index: 0, runtime_version: RUNTIME_VERSION })
    expect(d.request_hash).toBe(requestHash(req))
    expect(d.policy_hash).toBe(policy.hash)
    expect(d.policy_version).toBe(`sha256:${policy.hash.slice(0, 12)}`)
    expect(d.provenance_id).toBe(provenanceId({ request_hash: d.request_hash, policy_hash: policy.hash, profile_hash: null, runtime_version: RUNTIME_VERSION }))
    expect(decide({ policy }, req)).toEqual(d)
  })

  it('uses FARAMESH_POLICY_VERSION when given', () => {
    expect(decide({ policy, policyVersion: 'v42' }, req).policy_version).toBe('v42')
  })

  it('fails closed on a request that cannot be canonicalised', () => {
    const d = decide({ policy }, { ...req, params: { n: Number.NaN } })
    expect(d).toMatchObject({ decision: 'deny', outcome: 'HALT', reason_code: 'INTERNAL_ERROR' })
  })

  it('runs the profile before the policy', () => {
    const profile = parseProfile('id: p1\nversion: 1\nallowed_tools: [shell]\n')
    const d = decide({ policy, profile }, req)
    expect(d).toMatchObject({ decision: 'deny', reason_code: 'PROFILE_DISALLOWS_TOOL', profile_id: 'p1', profile_hash: profile.hash })
  })

  it('halts everything with PROFILE_LOAD_ERROR when the profile could not be loaded', () => {
    expect(decide({ policy, profileError: 'bad yaml' }, req)).toMatchObject({ decision: 'deny', reason_code: 'PROFILE_LOAD_ERROR' })
  })
})
