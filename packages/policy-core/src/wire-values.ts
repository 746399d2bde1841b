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
