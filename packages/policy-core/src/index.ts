// Public API of @faramesh/policy-core (pure: no file or network I/O; see `@faramesh/policy-core/node` for files).
export type * from './wire.js'
export {
  ACTION_STATUSES,
  EFFECTS,
  EVENT_TYPES,
  OUTCOME_BY_DECISION,
  OUTCOMES,
  RISK_LEVELS,
  STATUS_BY_DECISION,
  ruleRef,
} from './wire-values.js'

export { PolicyError, POLICY_ERROR_CODES, isPolicyError } from './errors.js'
export type { PolicyErrorCode, PolicyIssue, PolicyErrorInit } from './errors.js'

export { parsePolicy, policyFromObject, policySchema } from './parse-policy.js'
export type { ParseOptions } from './parse-policy.js'
export type { Policy, CompiledRule, CompiledRiskRule, RuleIndex } from './policy.js'
export type { Condition, Match } from './conditions.js'
export { MATCH_KEYS } from './conditions.js'

export {
  evaluate,
  firstMatch,
  outcomeOf,
  DEFAULT_REASONS,
  NO_MATCH_REASON,
  noMatchDecision,
  internalErrorDecision,
} from './evaluate.js'
export type { Decision } from './evaluate.js'
export { explain, describeRule } from './explain.js'
export { deniedForAnyParams } from './any-params.js'
export { MCP_HINT_VALUES, MCP_HINTS, mcpAnnotations, type McpHint } from './mcp-hint.js'
export type { Explanation, TraceEntry, ConditionFailure } from './explain.js'
export { prepareRequest, PreparedRequest } from './prepared-request.js'

export { canonicalJson, compareCodePoints, formatNumber } from './canonical-json.js'
export {
  sha256Hex,
  requestHash,
  policyHash,
  profileHash,
  provenanceId,
  policyVersion,
  EMPTY_PROFILE_HASH,
} from './hashes.js'
export type { HashableRequest, ProvenanceParts } from './hashes.js'

export { parseProfile, profileFromObject, evaluateProfile, normalizeProfile } from './profile.js'
export type { NormalizedProfile, Profile, ProfileRule, ProfileVerdict, RequiredControls } from './profile.js'

export { compilePattern } from './pattern.js'
export type { TextMatcher } from './pattern.js'
