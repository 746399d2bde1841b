// The wire contract (CONTRACT.md) as types. The server, ledger, SDK, CLI and dashboard all import these,
// so a field is defined once. Type-only: the enumerations' values live in wire-values.ts.
import type { ACTION_STATUSES, EFFECTS, EVENT_TYPES, OUTCOMES, RISK_LEVELS } from './wire-values.js'

export type Effect = (typeof EFFECTS)[number]
export type RiskLevel = (typeof RISK_LEVELS)[number]
export type Outcome = (typeof OUTCOMES)[number]
/** The reason codes the gateway gives by itself (CONTRACT.md § Decisions). */
export type KnownReasonCode =
  | 'POLICY_ALLOW'
  | 'POLICY_DENY'
  | 'POLICY_REQUIRE_APPROVAL'
  | 'DEFAULT_DENY_NO_MATCH'
  | 'PROFILE_DISALLOWS_TOOL'
  | 'PROFILE_RULE_DENY'
  | 'PROFILE_MISSING_REQUIRED_CONTROL'
  | 'PROFILE_LOAD_ERROR'
  | 'INTERNAL_ERROR'
/**
 * A known code, or one a profile rule names itself: profiles take any `reason_code`, as the original's did (its own
 * profiles/default.yaml halts with PROFILE_DENY_DANGEROUS_SHELL). `string & {}` keeps the known ones suggested.
 */
export type ReasonCode = KnownReasonCode | (string & {})

export type ActionStatus = (typeof ACTION_STATUSES)[number]

export type EventType = (typeof EVENT_TYPES)[number]

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** What an agent submits (POST /v1/actions, POST /v1/gate/decide). */
export interface ActionRequest {
  agent_id: string
  tool: string
  operation: string
  params?: Record<string, unknown>
  context?: Record<string, unknown>
}

/** The version-bound fields every decision carries (gate/decide and stored actions). */
export interface DecisionFields {
  decision: Effect
  outcome: Outcome
  reason: string | null
  reason_code: ReasonCode
  reason_details?: Record<string, unknown> | null
  risk_level: RiskLevel | null
  risk_rule: string | null
  rule_index: number | null
  request_hash: string
  policy_hash: string
  policy_version: string
  profile_id: string | null
  profile_version: string | null
  profile_hash: string | null
  runtime_version: string
  provenance_id: string
}

/** Answer of POST /v1/gate/decide: a decision, nothing stored. */
export interface GateDecision extends DecisionFields {
  agent_id: string
  tool: string
  operation: string
}

/** What every form of an action has: the request, where it stands, and the decision on it. */
export interface ActionCore {
  id: string
  agent_id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  context: Record<string, unknown>
  status: ActionStatus
  decision: Effect | null
  reason: string | null
}

/** An action as the API returns it. */
export interface Action extends ActionCore, Partial<Omit<DecisionFields, 'decision' | 'reason' | 'policy_version'>> {
  risk_level: RiskLevel | null
  approval_token: string | null
  policy_version: string | null
  created_at: string
  updated_at: string
  result?: unknown
  error?: string | null
  js_example?: string | null
  python_example?: string | null
}

/** One event of the global chain as the API returns it. */
export interface ActionEvent {
  id: string
  action_id: string
  event_type: EventType
  meta: Record<string, unknown>
  created_at: string
  seq: number
  prev_hash: string
  hash: string
}

/** A signed head of the chain (CONTRACT.md § One chain, checkpoints). */
export interface Checkpoint {
  seq: number
  hash: string
  created_at: string
  key_id: string
  signature: string
}

/** One SSE frame's JSON (`data:`), with both spellings the original's clients read. */
export interface StreamFrame {
  type: 'action.created' | 'action.approved' | 'action.denied' | 'action.updated'
  event_type: EventType
  action_id: string
  data: Action
  timestamp: string
  seq: number
}

export interface PolicyInfo {
  policy_file: string
  policy_path: string
  exists: boolean
  policy_version: string
  policy_hash: string
}

export type Role = 'agent' | 'approver' | 'auditor' | 'admin'
