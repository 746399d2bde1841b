// Turning a stored ActionRecord into the API's Action: hide the token hash, attach the approval token only when
// the caller may see it, and add the ready-to-run SDK snippets the original's UI shows.
import type { Action, ActionEvent, StreamFrame } from '@faramesh/policy-core'
import type { ActionRecord } from '@faramesh/ledger'

// Quotes are rare in agent ids, tools and JSON params: test before paying for two regex replacements.
const pyString = (s: string): string =>
  s.includes('\\') || s.includes("'") ? `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : `'${s}'`

// Both snippets are built on every submit response: one template each, params and context serialised once.
function jsExample(a: ActionRecord, params: string, context: string): string {
  return `import { configure, submitAction } from '@faramesh/sdk'

configure({ baseUrl: process.env.FARAMESH_BASE_URL ?? 'http://127.0.0.1:8000' })
const action = await submitAction(${JSON.stringify(a.agent_id)}, ${JSON.stringify(a.tool)}, ${JSON.stringify(a.operation)}, ${params}, ${context})
console.log(action.status, action.reason)`
}

function pythonExample(a: ActionRecord, params: string, context: string): string {
  return `import json
from faramesh import configure, submit_action

configure(base_url="http://127.0.0.1:8000")
action = submit_action(
    agent_id=${pyString(a.agent_id)},
    tool=${pyString(a.tool)},
    operation=${pyString(a.operation)},
    params=json.loads(${pyString(params)}),
    context=json.loads(${pyString(context)}),
)
print(action["status"], action.get("reason"))`
}

export interface ViewOptions {
  /** The clear approval token, only passed right after submit and only for callers allowed to see it. */
  approvalToken?: string | null
  /** Lists leave the snippets out to stay small. */
  examples?: boolean
}

export function toApiAction(rec: ActionRecord, opts: ViewOptions = {}): Action {
  // Every stored column but the token hash and the client's Idempotency-Key, in the ledger's column order (the JSON
  // the original's clients see), as one literal: far cheaper than a rest/spread copy of 30 fields, and the type
  // below fails to compile when ActionRecord gains a column this view does not decide on.
  const out: ApiFields = {
    id: rec.id,
    agent_id: rec.agent_id,
    tool: rec.tool,
    operation: rec.operation,
    params: rec.params,
    context: rec.context,
    status: rec.status,
    decision: rec.decision,
    reason: rec.reason,
    risk_level: rec.risk_level,
    policy_version: rec.policy_version,
    approval_expires_at: rec.approval_expires_at,
    submitted_by: rec.submitted_by,
    result: rec.result ?? null,
    error: rec.error ?? null,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
    outcome: rec.outcome,
    reason_code: rec.reason_code,
    reason_details: rec.reason_details,
    risk_rule: rec.risk_rule,
    rule_index: rec.rule_index,
    request_hash: rec.request_hash,
    policy_hash: rec.policy_hash,
    profile_id: rec.profile_id,
    profile_version: rec.profile_version,
    profile_hash: rec.profile_hash,
    runtime_version: rec.runtime_version,
    provenance_id: rec.provenance_id,
    approval_token: rec.status === 'pending_approval' ? (opts.approvalToken ?? null) : null,
  }
  if (opts.examples !== false) {
    const params = JSON.stringify(rec.params)
    const context = JSON.stringify(rec.context)
    out.js_example = jsExample(rec, params, context)
    out.python_example = pythonExample(rec, params, context)
  }
  return out
}

/** The columns of ActionRecord the API hides. */
type Hidden = 'approval_token_hash' | 'idempotency_key'
/** Exactly the shown columns (all required, so none can be forgotten) plus the API's own fields. */
type ApiFields = Action & { [K in Exclude<keyof ActionRecord, Hidden>]-?: ActionRecord[K] }

const FRAME_TYPE: Record<string, StreamFrame['type']> = {
  created: 'action.created',
  approved: 'action.approved',
  denied: 'action.denied',
}

/** One SSE frame for an event, carrying the action as it stands after the event. */
export function toStreamFrame(ev: ActionEvent, action: ActionRecord): StreamFrame {
  return {
    type: FRAME_TYPE[ev.event_type] ?? 'action.updated',
    event_type: ev.event_type,
    action_id: ev.action_id,
    data: toApiAction(action, { examples: false }),
    timestamp: ev.created_at,
    seq: ev.seq,
  }
}
