// Turning a stored ActionRecord into the API's Action: hide the token hash, attach the approval token only when
// the caller may see it, and add the ready-to-run SDK snippets the original's UI shows.
import type { Action, ActionEvent, StreamFrame } from '@faramesh/policy-core'
import type { ActionRecord } from '@faramesh/ledger'

// Quotes are rare in agent ids, tools and JSON params: test before paying for two regex replacements.
const pyString = (s: string): string =>
  s.includes('\\') || s.includes("'") ? `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : `'${s}'`

// Both snippets are built on every submit response. Each is its template's fixed text around five values (agent id,
// tool, operation, params, context): the same parts give the plain text (toApiAction) and, escaped part by part, the
// JSON string literal (renderApiAction), so the long fixed text is escaped once rather than on every answer.
const JS_PARTS = [
  `import { configure, submitAction } from '@faramesh/sdk'

configure({ baseUrl: process.env.FARAMESH_BASE_URL ?? 'http://127.0.0.1:8000' })
const action = await submitAction(`,
  ', ',
  ', ',
  ', ',
  ', ',
  `)
console.log(action.status, action.reason)`,
]
const jsValues = (a: ActionRecord, params: string, context: string): string[] => [
  JSON.stringify(a.agent_id),
  JSON.stringify(a.tool),
  JSON.stringify(a.operation),
  params,
  context,
]

const PY_PARTS = [
  `import json
from faramesh import configure, submit_action

configure(base_url="http://127.0.0.1:8000")
action = submit_action(
    agent_id=`,
  `,
    tool=`,
  `,
    operation=`,
  `,
    params=json.loads(`,
  `),
    context=json.loads(`,
  `),
)
print(action["status"], action.get("reason"))`,
]
const pyValues = (a: ActionRecord, params: string, context: string): string[] => [
  pyString(a.agent_id),
  pyString(a.tool),
  pyString(a.operation),
  pyString(params),
  pyString(context),
]

/** The body of a JSON string literal for `s` (JSON escaping is per character, so parts can be escaped apart). */
const jsonBody = (s: string): string => JSON.stringify(s).slice(1, -1)
const JS_PARTS_JSON = JS_PARTS.map(jsonBody)
const PY_PARTS_JSON = PY_PARTS.map(jsonBody)

function fill(parts: readonly string[], values: readonly string[], escape?: (s: string) => string): string {
  let out = parts[0]!
  for (let i = 0; i < values.length; i++) out += (escape ? escape(values[i]!) : values[i]!) + parts[i + 1]!
  return out
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
    out.js_example = fill(JS_PARTS, jsValues(rec, params, context))
    out.python_example = fill(PY_PARTS, pyValues(rec, params, context))
  }
  return out
}

/**
 * `JSON.stringify(toApiAction(rec, opts))`, byte for byte (action-view.test.ts holds them equal), without passing
 * the snippets' long text through JSON.stringify's escaping on every answer: the snippets are the view's last two
 * fields, so their literals are appended to the rest. The submit routes answer with it.
 */
export function renderApiAction(rec: ActionRecord, opts: ViewOptions = {}): string {
  const text = JSON.stringify(toApiAction(rec, { ...opts, examples: false }))
  if (opts.examples === false) return text
  const params = JSON.stringify(rec.params)
  const context = JSON.stringify(rec.context)
  const js = fill(JS_PARTS_JSON, jsValues(rec, params, context), jsonBody)
  const py = fill(PY_PARTS_JSON, pyValues(rec, params, context), jsonBody)
  return `${text.slice(0, -1)},"js_example":"${js}","python_example":"${py}"}`
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
