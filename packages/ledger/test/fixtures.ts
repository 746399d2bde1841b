import { randomUUID } from 'node:crypto'
import type { ActionRecord, NewEvent } from '../src/types.js'

export function newAction(over: Partial<ActionRecord> = {}): ActionRecord {
  const now = new Date().toISOString()
  return {
    id: randomUUID(),
    agent_id: 'agent-1',
    tool: 'shell',
    operation: 'run',
    params: { cmd: 'ls -la', n: 1.5, big: 12345678901, text: 'ünïcødé "q" \n', nested: { z: [1, 'x', null, { b: false }], a: true } },
    context: { agent_id: 'agent-1', timeout: 30 },
    status: 'pending_approval',
    decision: 'require_approval',
    reason: 'needs review',
    risk_level: 'medium',
    policy_version: 'sha256:abcdef012345',
    approval_token_hash: 'f'.repeat(64),
    approval_expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    submitted_by: null,
    result: null,
    error: null,
    created_at: now,
    updated_at: now,
    ...over,
  }
}

/** The optional decision fields read back as null when an action was stored without them. */
export const NO_DECISION_FIELDS = {
  outcome: null, reason_code: null, reason_details: null, risk_rule: null, rule_index: null, request_hash: null,
  policy_hash: null, profile_id: null, profile_version: null, profile_hash: null, runtime_version: null, provenance_id: null,
  idempotency_key: null,
}

export const createdEvents = (): NewEvent[] => [
  { event_type: 'created', meta: {} },
  { event_type: 'decision_made', meta: { decision: 'require_approval', reason: 'needs review', risk_level: 'medium', reason_code: 'POLICY_REQUIRE_APPROVAL' } },
]

/** The least an action is created with: its created event. */
export const justCreated = (): NewEvent[] => [{ event_type: 'created', meta: {} }]
