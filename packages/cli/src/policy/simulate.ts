// Re-decide recorded actions under a candidate policy and group the decisions that would change by the rule
// that now decides them, so an operator sees a policy's effect before deploying it. Actions whose decision
// stays but whose risk level moves are reported apart: they change what approvers see, not what runs.
import type { Action, ActionRequest, Effect, GateDecision, Policy, RiskLevel } from '@faramesh/policy-core'

/** What simulate needs of a recorded action: the API's `Action` and the ledger's record both fit. */
export type RecordedAction = Pick<
  Action,
  'id' | 'agent_id' | 'tool' | 'operation' | 'params' | 'context' | 'decision' | 'risk_level' | 'profile_hash' | 'created_at'
> & { status: string }

export interface ChangedAction {
  id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  status: string
  old_decision: Effect | null
  new_decision: Effect
  new_reason: string | null
  old_risk: RiskLevel | null
  new_risk: RiskLevel | null
  created_at: string
}

export interface ChangeGroup {
  /** What decides under the candidate: a policy rule, the execution profile, the default deny, or an evaluation error. */
  decided_by: 'rule' | 'profile' | 'default' | 'error'
  /** The rule that decides under the candidate policy; null unless decided_by is `rule`. */
  rule_index: number | null
  description: string
  count: number
  /** `"allow → deny": 3` */
  transitions: Record<string, number>
  actions: ChangedAction[]
}

/** Same decision, different risk level: one group, with the risk rule that now sets the level on each action. */
export interface RiskChangeGroup {
  count: number
  /** `"low → high": 2` (`none` when there was no level) */
  transitions: Record<string, number>
  actions: Array<ChangedAction & { new_risk_rule: string | null; rule_index: number | null }>
}

export interface SimulationResult {
  considered: number
  /** Actions whose decision would change. */
  changed: number
  /** Actions whose decision stays but whose risk level would change. */
  risk_changed: number
  unchanged: number
  /** Recorded actions decided under another profile than the one simulated (their hashes differ). */
  profile_mismatches: number
  groups: ChangeGroup[]
  risk_changes: RiskChangeGroup
}

function decidedBy(d: GateDecision): ChangeGroup['decided_by'] {
  if (d.rule_index !== null) return 'rule'
  if (d.reason_code === 'DEFAULT_DENY_NO_MATCH') return 'default'
  if (d.reason_code === 'INTERNAL_ERROR') return 'error'
  return 'profile'
}

/** One group per policy rule; without a rule, one per reason (each profile rule has its own). */
function groupKey(d: GateDecision): string {
  return d.rule_index === null ? `${d.reason_code}:${d.reason ?? ''}` : `rule:${d.rule_index}`
}

function describe(policy: Policy, d: GateDecision): string {
  const rule = d.rule_index === null ? undefined : policy.rules[d.rule_index]
  return rule ? (rule.description ?? `${rule.effect} rule`) : (d.reason ?? d.reason_code)
}

function changedAction(a: RecordedAction, d: GateDecision): ChangedAction {
  return {
    id: a.id,
    tool: a.tool,
    operation: a.operation,
    params: a.params,
    status: a.status,
    old_decision: a.decision,
    new_decision: d.decision,
    new_reason: d.reason,
    old_risk: a.risk_level,
    new_risk: d.risk_level,
    created_at: a.created_at,
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}

export function simulate(policy: Policy, actions: Iterable<RecordedAction>, decide: (r: ActionRequest) => GateDecision): SimulationResult {
  const groups = new Map<string, ChangeGroup>()
  const risk: RiskChangeGroup = { count: 0, transitions: {}, actions: [] }
  let considered = 0
  let changed = 0
  let profileMismatches = 0
  for (const a of actions) {
    considered += 1
    const d = decide({ agent_id: a.agent_id, tool: a.tool, operation: a.operation, params: a.params, context: a.context })
    if (a.profile_hash !== undefined && a.profile_hash !== d.profile_hash) profileMismatches += 1
    if (d.decision === a.decision) {
      if (d.risk_level === a.risk_level) continue
      risk.count += 1
      bump(risk.transitions, `${a.risk_level ?? 'none'} → ${d.risk_level ?? 'none'}`)
      risk.actions.push({ ...changedAction(a, d), new_risk_rule: d.risk_rule, rule_index: d.rule_index })
      continue
    }
    changed += 1
    const key = groupKey(d)
    let group = groups.get(key)
    if (!group) {
      group = { decided_by: decidedBy(d), rule_index: d.rule_index, description: describe(policy, d), count: 0, transitions: {}, actions: [] }
      groups.set(key, group)
    }
    group.count += 1
    bump(group.transitions, `${a.decision ?? 'none'} → ${d.decision}`)
    group.actions.push(changedAction(a, d))
  }
  const sorted = [...groups.values()].sort((x, y) => y.count - x.count || (x.rule_index ?? Infinity) - (y.rule_index ?? Infinity))
  return {
    considered,
    changed,
    risk_changed: risk.count,
    unchanged: considered - changed - risk.count,
    profile_mismatches: profileMismatches,
    groups: sorted,
    risk_changes: risk,
  }
}
