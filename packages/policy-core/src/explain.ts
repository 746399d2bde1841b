// Why a request got its decision: every rule up to the match, and for each that did not match the first condition
// that failed, with the expected and actual values. Used by the CLI `explain`, the dashboard and policy tests.
import type { Condition } from './conditions.js'
import { evaluate } from './evaluate.js'
import type { Decision } from './evaluate.js'
import type { CompiledRule, Policy } from './policy.js'
import { prepareRequest } from './prepared-request.js'
import type { PreparedRequest } from './prepared-request.js'

export interface ConditionFailure {
  key: string
  expected: unknown
  actual: unknown
  why: string
  /** True when the condition could not run (e.g. params are not canonicalisable JSON); evaluation fails closed. */
  error?: true
}

export interface TraceEntry {
  rule_index: number
  description: string
  matched: boolean
  failed?: ConditionFailure
}

export interface Explanation {
  decision: Decision
  trace: TraceEntry[]
}

export function explain(policy: Policy, request: unknown): Explanation {
  const p = prepareRequest(request)
  const decision = evaluate(policy, p)
  const trace: TraceEntry[] = []
  for (const rule of policy.rules) {
    const failed = firstFailure(rule.conditions, p)
    trace.push({ rule_index: rule.index, description: describeRule(rule), matched: failed === null, ...(failed ? { failed } : {}) })
    // Stop at the match, or where evaluation itself stopped because a condition could not run.
    if (failed === null || failed.error === true) break
  }
  return { decision, trace }
}

/** The first condition that does not hold, or null if all hold. A condition that cannot run counts as failed. */
export function firstFailure(conditions: readonly Condition[], p: PreparedRequest): ConditionFailure | null {
  for (const c of conditions) {
    let ok: boolean
    try {
      ok = c.test(p)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      return { key: c.key, expected: c.expected, actual: null, why, error: true }
    }
    if (!ok) return { key: c.key, expected: c.expected, actual: c.actual(p), why: c.why(p) }
  }
  return null
}

/** The rule's description, or a one-line summary of its effect and match keys. */
export function describeRule(rule: CompiledRule): string {
  if (rule.description) return rule.description
  const keys = Object.entries(rule.match).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return `${rule.effect} when ${keys.join(', ')}`
}
