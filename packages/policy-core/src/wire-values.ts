// The wire contract's enumerations as values, for code that validates or offers them (server schemas, CLI flags,
// ledger codecs). wire.ts derives its types from these, so a status is spelled once. Nothing here (nor in what it
// re-exports) imports anything: safe in browsers, where the dashboard loads it as `@faramesh/policy-core/wire`.

export { ruleRef } from './rule-ref.js'

export const ACTION_STATUSES = [
  'pending_decision',
  'allowed',
  'denied',
  'pending_approval',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'timeout',
] as const

export const EVENT_TYPES = [
  'created',
  'decision_made',
  'approved',
  'denied',
  'started',
  'succeeded',
  'failed',
  'timeout',
] as const

export const RISK_LEVELS = ['low', 'medium', 'high'] as const
export const EFFECTS = ['allow', 'deny', 'require_approval'] as const
export const OUTCOMES = ['EXECUTE', 'ABSTAIN', 'HALT'] as const

/** CONTRACT.md § Actions: the status a submitted action gets from its decision. */
export const STATUS_BY_DECISION = {
  allow: 'allowed',
  deny: 'denied',
  require_approval: 'pending_approval',
} as const satisfies Record<(typeof EFFECTS)[number], (typeof ACTION_STATUSES)[number]>

/** CONTRACT.md § Decisions: the outcome an effect means (a profile may still turn EXECUTE into ABSTAIN or HALT). */
export const OUTCOME_BY_DECISION = {
  allow: 'EXECUTE',
  require_approval: 'ABSTAIN',
  deny: 'HALT',
} as const satisfies Record<(typeof EFFECTS)[number], (typeof OUTCOMES)[number]>
