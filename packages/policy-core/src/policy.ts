// The compiled form of a policy: rules with fused predicates, risk rules, and an index by tool so a large policy
// only checks the rules that can apply to a request's tool, in the original first-match order.
import { compileConditions, fuse } from './conditions.js'
import type { Condition, Match } from './conditions.js'
import type { TextMatcher } from './pattern.js'
import type { PreparedRequest } from './prepared-request.js'
import type { Effect, RiskLevel } from './wire.js'
import { EFFECTS } from './wire-values.js'

export interface CompiledRule {
  /** Position in `rules` (0-based), reported as `rule_index`. */
  readonly index: number
  readonly description: string | null
  readonly effect: Effect
  readonly risk: RiskLevel | null
  readonly match: Match
  /** The exact tool this rule needs, or null when it applies to any tool. */
  readonly tool: string | null
  readonly conditions: readonly Condition[]
  readonly test: (p: PreparedRequest) => boolean
}

export interface CompiledRiskRule {
  readonly index: number
  readonly name: string
  readonly risk_level: RiskLevel
  readonly when: Match
  readonly conditions: readonly Condition[]
  readonly test: (p: PreparedRequest) => boolean
}

export interface RuleIndex {
  /** Rules naming exactly this tool, in order. */
  readonly byTool: ReadonlyMap<string, readonly CompiledRule[]>
  /** Rules for any tool (`*` or no tool key), in order. */
  readonly anyTool: readonly CompiledRule[]
}

export interface Policy {
  readonly rules: readonly CompiledRule[]
  readonly riskRules: readonly CompiledRiskRule[]
  /** policy_hash: sha256 of the canonical JSON of `{rules, risk_rules}` as parsed. */
  readonly hash: string
  readonly source: string | null
  /** The parsed document. */
  readonly raw: unknown
  readonly index: RuleIndex
}

export interface RawRule {
  match: Match
  allow?: true
  deny?: true
  require_approval?: true
  description?: string
  risk?: RiskLevel
}

export interface RawRiskRule {
  name: string
  when: Match
  risk_level: RiskLevel
}

export function compileRule(raw: RawRule, index: number, pattern: (s: string) => TextMatcher): CompiledRule {
  const conditions = compileConditions(raw.match, pattern)
  const effect = EFFECTS.find((e) => raw[e] === true) as Effect
  const tool = typeof raw.match.tool === 'string' && raw.match.tool !== '*' ? raw.match.tool : null
  return {
    index,
    description: raw.description ?? null,
    effect,
    risk: raw.risk ?? null,
    match: raw.match,
    tool,
    conditions,
    test: fuse(conditions),
  }
}

export function compileRiskRule(raw: RawRiskRule, index: number, pattern: (s: string) => TextMatcher): CompiledRiskRule {
  const conditions = compileConditions(raw.when, pattern)
  return { index, name: raw.name, risk_level: raw.risk_level, when: raw.when, conditions, test: fuse(conditions) }
}

export function buildIndex(rules: readonly CompiledRule[]): RuleIndex {
  const byTool = new Map<string, CompiledRule[]>()
  const anyTool: CompiledRule[] = []
  for (const r of rules) {
    if (r.tool === null) anyTool.push(r)
    else {
      const list = byTool.get(r.tool)
      if (list) list.push(r)
      else byTool.set(r.tool, [r])
    }
  }
  return { byTool, anyTool }
}
