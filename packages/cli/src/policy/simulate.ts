// Re-decide recorded actions under a candidate policy and group the decisions that would change by the rule
// that now decides them, so an operator sees a policy's effect before deploying it.
import type { ActionRequest, Effect, GateDecision, Policy } from '@faramesh/policy-core'

export interface RecordedAction {
  id: string
  agent_id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  context: Record<string, unknown>
  status: string
  decision: Effect | null
  created_at: string
}

export interface ChangedAction {
  id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  status: string
  old_decision: Effect | null
  new_decision: Effect
  new_reason: string | null
  created_at: string
}

export interface ChangeGroup {
  /** The rule that decides under the candidate policy; null when no rule matched (default deny). */
  rule_index: number | null
  description: string
  count: number
  /** `"allow → deny": 3` */
  transitions: Record<string, number>
  actions: ChangedAction[]
}

export interface SimulationResult {
  considered: number
  changed: number
  unchanged: number
  groups: ChangeGroup[]
}

export function simulate(policy: Policy, actions: Iterable<RecordedAction>, decide: (r: ActionRequest) => GateDecision): SimulationResult {
  const groups = new Map<string, ChangeGroup>()
  let considered = 0
  let changed = 0
  for (const a of actions) {
    considered += 1
    const d = decide({ agent_id: a.agent_id, tool: a.tool, operation: a.operation, params: a.params, context: a.context })
    if (d.decision === a.decision) continue
    changed += 1
    const rule = d.rule_index === null ? null : policy.rules[d.rule_index]
    const key = d.rule_index === null ? `none:${d.reason_code}` : `rule:${d.rule_index}`
    let group = groups.get(key)
    if (!group) {
      const description = rule ? (rule.description ?? `${rule.effect} rule`) : (d.reason ?? d.reason_code)
      group = { rule_index: d.rule_index, description, count: 0, transitions: {}, actions: [] }
      groups.set(key, group)
    }
    const t = `${a.decision ?? 'none'} → ${d.decision}`
    group.count += 1
    group.transitions[t] = (group.transitions[t] ?? 0) + 1
    group.actions.push({
      id: a.id,
      tool: a.tool,
      operation: a.operation,
      params: a.params,
      status: a.status,
      old_decision: a.decision,
      new_decision: d.decision,
      new_reason: d.reason,
      created_at: a.created_at,
    })
  }
  const sorted = [...groups.values()].sort((x, y) => y.count - x.count || (x.rule_index ?? Infinity) - (y.rule_index ?? Infinity))
  return { considered, changed, unchanged: considered - changed, groups: sorted }
}
