// Human renderings of actions and events shared by several commands.
import { STATUS_BY_DECISION, type Action, type ActionEvent, type ActionStatus } from '@faramesh/policy-core'
import { paint, paintDecision, paintRisk, paintStatus } from './color.js'
import { formatJsonInline, formatTime, orDash, shortId } from './format.js'
import { printable } from './terminal.js'
import { renderTable } from './table.js'

export function actionsTable(actions: readonly Action[], full: boolean): string {
  return renderTable(
    ['ID', 'Status', 'Risk', 'Tool', 'Operation', 'Params', 'Created'],
    actions.map((a) => [
      shortId(a.id, full),
      paintStatus(a.status),
      paintRisk(a.risk_level),
      printable(a.tool),
      printable(a.operation),
      formatJsonInline(a.params ?? {}),
      formatTime(a.created_at),
    ]),
    { maxWidths: [undefined, undefined, undefined, 20, 20, 40, undefined] },
  )
}

function field(label: string, value: string): string {
  return `${paint('bold', `${label}:`.padEnd(16))}${value}`
}

export function actionDetails(a: Action): string[] {
  const lines = [
    `${paint('bold', 'Action')} ${printable(a.id)}`,
    '',
    field('Status', paintStatus(a.status)),
    field('Decision', paintDecision(a.decision)),
    field('Reason', orDash(a.reason)),
    field('Reason code', orDash(a.reason_code)),
    field('Outcome', orDash(a.outcome)),
    field('Risk level', paintRisk(a.risk_level)),
    '',
    // An agent's own words: a newline or escape sequence in them must not forge or hide the lines below.
    field('Agent', printable(a.agent_id)),
    field('Tool', printable(a.tool)),
    field('Operation', printable(a.operation)),
    field('Params', formatJsonInline(a.params ?? {})),
    field('Context', formatJsonInline(a.context ?? {})),
    '',
    field('Policy version', orDash(a.policy_version)),
    field('Policy hash', orDash(a.policy_hash)),
    field('Request hash', orDash(a.request_hash)),
    field('Provenance', orDash(a.provenance_id)),
    field('Created', formatTime(a.created_at)),
    field('Updated', formatTime(a.updated_at)),
  ]
  if (a.approval_token) lines.push(field('Approval token', printable(a.approval_token)))
  if (a.result !== undefined && a.result !== null) lines.push(field('Result', formatJsonInline(a.result)))
  if (a.error) lines.push(field('Error', paint('red', printable(a.error))))
  return lines
}

export function eventsTable(events: readonly ActionEvent[]): string {
  return renderTable(
    ['Seq', 'Time', 'Event', 'Details'],
    events.map((e) => [String(e.seq ?? '-'), formatTime(e.created_at), printable(e.event_type), formatJsonInline(e.meta ?? {})]),
    { maxWidths: [undefined, undefined, undefined, 70] },
  )
}

/** The status an action has after each event: the `logs` view of the timeline. */
export function statusAfter(event: ActionEvent, before: ActionStatus | null): ActionStatus | null {
  switch (event.event_type) {
    case 'created':
      return 'pending_decision'
    case 'decision_made': {
      const d = event.meta?.decision
      return typeof d === 'string' && Object.hasOwn(STATUS_BY_DECISION, d) ? STATUS_BY_DECISION[d as keyof typeof STATUS_BY_DECISION] : before
    }
    case 'approved':
      return 'approved'
    case 'denied':
      return 'denied'
    case 'started':
      return 'executing'
    case 'succeeded':
    case 'failed':
    case 'timeout':
      return event.event_type
    default:
      return before
  }
}

export interface Transition {
  seq: number | null
  at: string
  event_type: string
  from: ActionStatus | null
  to: ActionStatus | null
  by: string | null
  reason: string | null
}

export function transitions(events: readonly ActionEvent[]): Transition[] {
  const out: Transition[] = []
  let status: ActionStatus | null = null
  for (const e of events) {
    const next = statusAfter(e, status)
    const meta = e.meta ?? {}
    out.push({
      seq: e.seq ?? null,
      at: e.created_at,
      event_type: e.event_type,
      from: status,
      to: next,
      by: typeof meta.by === 'string' ? meta.by : null,
      reason: typeof meta.reason === 'string' ? meta.reason : typeof meta.error === 'string' ? meta.error : null,
    })
    status = next
  }
  return out
}
