// What changed between two policies, rule by rule. Rules are paired by their `match` (same conditions = same
// rule); order matters under first-match, so a pair that moved relative to the others is reported too.
import { canonicalJson, describeRule, type CompiledRiskRule, type CompiledRule, type Policy } from '@faramesh/policy-core'

export interface RuleRef {
  rule_index: number
  description: string
  effect: string
  risk: string | null
}

export interface RuleChange {
  old: RuleRef
  new: RuleRef
  changes: Array<{ field: 'effect' | 'description' | 'risk'; old: string | null; new: string | null }>
}

export interface PolicyDiff {
  same: boolean
  old_hash: string
  new_hash: string
  old_rules: number
  new_rules: number
  added: RuleRef[]
  removed: RuleRef[]
  changed: RuleChange[]
  /** Rules kept in both whose order relative to each other changed (first match can now differ). */
  moved: Array<{ old_index: number; new_index: number; description: string }>
  risk_rules: { added: string[]; removed: string[]; changed: string[] }
}

const ref = (r: CompiledRule): RuleRef => ({ rule_index: r.index, description: describeRule(r), effect: r.effect, risk: r.risk })
const matchKey = (r: CompiledRule): string => canonicalJson(r.match)

function pairRules(oldRules: readonly CompiledRule[], newRules: readonly CompiledRule[]): Array<[CompiledRule, CompiledRule]> {
  const pool = new Map<string, CompiledRule[]>()
  for (const r of oldRules) pool.set(matchKey(r), [...(pool.get(matchKey(r)) ?? []), r])
  const pairs: Array<[CompiledRule, CompiledRule]> = []
  for (const r of newRules) {
    const candidates = pool.get(matchKey(r))
    const o = candidates?.shift()
    if (o) pairs.push([o, r])
  }
  return pairs
}

function riskDiff(a: readonly CompiledRiskRule[], b: readonly CompiledRiskRule[]): PolicyDiff['risk_rules'] {
  const byName = (list: readonly CompiledRiskRule[]) => new Map(list.map((r) => [r.name, canonicalJson({ when: r.when, risk_level: r.risk_level })]))
  const oldMap = byName(a)
  const newMap = byName(b)
  return {
    added: [...newMap.keys()].filter((n) => !oldMap.has(n)),
    removed: [...oldMap.keys()].filter((n) => !newMap.has(n)),
    changed: [...newMap].filter(([n, v]) => oldMap.has(n) && oldMap.get(n) !== v).map(([n]) => n),
  }
}

export function diffPolicies(oldPolicy: Policy, newPolicy: Policy): PolicyDiff {
  const pairs = pairRules(oldPolicy.rules, newPolicy.rules)
  const pairedOld = new Set(pairs.map(([o]) => o.index))
  const pairedNew = new Set(pairs.map(([, n]) => n.index))
  const changed: RuleChange[] = []
  for (const [o, n] of pairs) {
    const changes: RuleChange['changes'] = []
    if (o.effect !== n.effect) changes.push({ field: 'effect', old: o.effect, new: n.effect })
    if (o.description !== n.description) changes.push({ field: 'description', old: o.description, new: n.description })
    if (o.risk !== n.risk) changes.push({ field: 'risk', old: o.risk, new: n.risk })
    if (changes.length > 0) changed.push({ old: ref(o), new: ref(n), changes })
  }
  // Pairs are in new order; any pair whose old index is lower than an earlier pair's has moved.
  const moved: PolicyDiff['moved'] = []
  let highest = -1
  for (const [o, n] of pairs) {
    if (o.index < highest) moved.push({ old_index: o.index, new_index: n.index, description: describeRule(n) })
    highest = Math.max(highest, o.index)
  }
  const risk_rules = riskDiff(oldPolicy.riskRules, newPolicy.riskRules)
  return {
    same: oldPolicy.hash === newPolicy.hash,
    old_hash: oldPolicy.hash,
    new_hash: newPolicy.hash,
    old_rules: oldPolicy.rules.length,
    new_rules: newPolicy.rules.length,
    added: newPolicy.rules.filter((r) => !pairedNew.has(r.index)).map(ref),
    removed: oldPolicy.rules.filter((r) => !pairedOld.has(r.index)).map(ref),
    changed,
    moved,
    risk_rules,
  }
}
