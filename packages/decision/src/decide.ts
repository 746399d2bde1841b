// The one decision function: canonicalise → profile → policy (first match) → risk → outcome and reason code →
// hashes and provenance. /v1/actions, /v1/gate/decide, the playground and the CLI's policy test, policy simulate and
// replay-decision all call this, so a stored decision can be reproduced byte for byte. No HTTP, no I/O.
import {
  OUTCOME_BY_DECISION,
  evaluate,
  evaluateProfile,
  policyVersion,
  prepareRequest,
  profileHash,
  provenanceId,
  requestHash,
  type ActionRequest,
  type Effect,
  type GateDecision,
  type Policy,
  type Profile,
  type ReasonCode,
} from '@faramesh/policy-core'
import { applyRisk, assessRisk } from '@faramesh/risk'
import { RUNTIME_VERSION } from './version.js'

export interface DecideDeps {
  policy: Policy
  /** The loaded profile, or null when there is none. */
  profile?: Profile | null
  /** Set when a profile file exists but could not be loaded: every request halts with PROFILE_LOAD_ERROR. */
  profileError?: string | null
  /** FARAMESH_POLICY_VERSION, when set. */
  policyVersion?: string | null
  runtimeVersion?: string
}

/** The request as hashed: params and context default to {}. */
export interface NormalizedRequest {
  agent_id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  context: Record<string, unknown>
}

const DECISION_BY_OUTCOME = { ABSTAIN: 'require_approval', HALT: 'deny' } as const
const profileHashes = new WeakMap<object, string | null>()

function hashOfProfile(profile: Profile | null): string | null {
  if (profile === null) return profileHash(null)
  let h = profileHashes.get(profile)
  if (h === undefined) {
    h = profileHash(profile)
    profileHashes.set(profile, h)
  }
  return h
}

export function normalizeRequest(req: ActionRequest): NormalizedRequest {
  return {
    agent_id: req.agent_id,
    tool: req.tool,
    operation: req.operation,
    params: req.params ?? {},
    context: req.context ?? {},
  }
}

interface Verdict {
  decision: Effect
  reason: string | null
  reason_code: ReasonCode
  reason_details: Record<string, unknown> | null
  risk_level: GateDecision['risk_level']
  risk_rule: string | null
  rule_index: number | null
}

function verdict(deps: DecideDeps, req: NormalizedRequest, profile: Profile | null): Verdict {
  const base = { reason_details: null, risk_level: null, risk_rule: null, rule_index: null }
  if (deps.profileError) {
    return { ...base, decision: 'deny', reason: `Profile could not be loaded: ${deps.profileError}`, reason_code: 'PROFILE_LOAD_ERROR' }
  }
  const prepared = prepareRequest(req)
  if (profile) {
    const p = evaluateProfile(profile, prepared)
    if (p) {
      return { ...base, decision: DECISION_BY_OUTCOME[p.outcome], reason: p.reason, reason_code: p.reason_code }
    }
  }
  const d = evaluate(deps.policy, prepared)
  const final = applyRisk(d, assessRisk(deps.policy, prepared))
  return {
    decision: final.decision,
    reason: final.reason,
    reason_code: final.reason_code,
    reason_details: final.risk_upgraded ? { upgraded_from: d.decision, risk_rule: final.risk_rule } : null,
    risk_level: final.risk_level,
    risk_rule: final.risk_rule,
    rule_index: d.rule_index,
  }
}

/** Decide one request. Never throws for bad request content: anything that cannot be decided is denied. */
export function decide(deps: DecideDeps, request: ActionRequest): GateDecision {
  const req = normalizeRequest(request)
  const profile = deps.profile ?? null
  const runtime_version = deps.runtimeVersion ?? RUNTIME_VERSION
  const policy_hash = deps.policy.hash
  const profile_hash = hashOfProfile(profile)
  let request_hash = ''
  let v: Verdict
  try {
    request_hash = requestHash(req)
    v = verdict(deps, req, profile)
  } catch (err) {
    // Fail closed: NaN/Infinity (not canonicalisable) or any evaluator fault denies, never allows.
    const message = err instanceof Error ? err.message : String(err)
    v = {
      decision: 'deny',
      reason: `Request could not be evaluated: ${message}`,
      reason_code: 'INTERNAL_ERROR',
      reason_details: { error: (err as { code?: string }).code ?? 'EVALUATION_FAILED' },
      risk_level: null,
      risk_rule: null,
      rule_index: null,
    }
  }
  return {
    agent_id: req.agent_id,
    tool: req.tool,
    operation: req.operation,
    decision: v.decision,
    outcome: OUTCOME_BY_DECISION[v.decision],
    reason: v.reason,
    reason_code: v.reason_code,
    reason_details: v.reason_details,
    risk_level: v.risk_level,
    risk_rule: v.risk_rule,
    rule_index: v.rule_index,
    request_hash,
    policy_hash,
    policy_version: policyVersion(deps.policy, deps.policyVersion ?? undefined),
    profile_id: profile ? profile.id : null,
    profile_version: profile ? profile.version : null,
    profile_hash,
    runtime_version,
    provenance_id: provenanceId({ request_hash, policy_hash, profile_hash, runtime_version }),
  }
}
