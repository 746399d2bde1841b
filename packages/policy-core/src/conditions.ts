// One match mapping → a list of conditions, each a small closure. Evaluation fuses them into a single predicate;
// explain() walks them one by one to say which failed and why.
import { jsonEqual, pathSegments } from './lookup.js'
import { mcpHintCondition, type McpHint } from './mcp-hint.js'
import type { TextMatcher } from './pattern.js'
import type { PreparedRequest } from './prepared-request.js'

export interface Condition {
  /** The match key this condition comes from (`amount_gt`, `field`, …). */
  readonly key: string
  readonly expected: unknown
  /**
   * What the condition reads: only the request's tool, operation, agent_id or context (`request`), or values an agent
   * puts in params (`params`; named values look in params first). deniedForAnyParams relies on it.
   */
  readonly scope: 'request' | 'params'
  readonly test: (p: PreparedRequest) => boolean
  /** The request's value this condition looked at (for explain). */
  readonly actual: (p: PreparedRequest) => unknown
  /** Why the condition does not hold (only meaningful when test is false). */
  readonly why: (p: PreparedRequest) => string
}

export type Match = Readonly<Record<string, unknown>>

/** Keys in the order they are checked: cheap equality first, params JSON search last. */
export const MATCH_KEYS = [
  'tool', 'op', 'operation', 'agent_id', 'mcp_hint', 'method', 'branch', 'path_contains', 'path_starts_with', 'path_ends_with',
  'amount_gt', 'amount_gte', 'amount_lt', 'amount_lte', 'field', 'value', 'contains', 'pattern',
] as const

const show = (v: unknown): string => (v === undefined ? 'missing' : (JSON.stringify(v) ?? typeof v))

function equalsOrWildcard(key: string, expected: string, get: (p: PreparedRequest) => unknown): Condition | null {
  if (expected === '*') return null
  return {
    key,
    expected,
    scope: 'request',
    test: (p) => get(p) === expected,
    actual: get,
    why: (p) => `${key} is ${show(get(p))}, not ${show(expected)}`,
  }
}

function stringAt(name: string, key: string, expected: string, ok: (s: string) => boolean, verb: string): Condition {
  const get = (p: PreparedRequest): unknown => p.lookup(name)
  return {
    key,
    expected,
    scope: 'params',
    test: (p) => {
      const v = get(p)
      return typeof v === 'string' && ok(v)
    },
    actual: get,
    why: (p) => {
      const v = get(p)
      if (v === undefined) return `no ${name} in params or context`
      if (typeof v !== 'string') return `${name} is ${show(v)}, not a string`
      return `${name} ${show(v)} does not ${verb} ${show(expected)}`
    },
  }
}

const AMOUNT_OPS = {
  amount_gt: ['>', (a: number, b: number) => a > b],
  amount_gte: ['>=', (a: number, b: number) => a >= b],
  amount_lt: ['<', (a: number, b: number) => a < b],
  amount_lte: ['<=', (a: number, b: number) => a <= b],
} as const

function amount(key: keyof typeof AMOUNT_OPS, limit: number): Condition {
  const [sym, cmp] = AMOUNT_OPS[key]
  // Comparisons with NaN are false, so a missing or non-numeric amount matches none of these keys.
  return {
    key,
    expected: limit,
    scope: 'params',
    test: (p) => cmp(p.amount(), limit),
    actual: (p) => p.lookup('amount'),
    why: (p) => {
      const raw = p.lookup('amount')
      if (raw === undefined) return 'no amount in params or context'
      if (Number.isNaN(p.amount())) return `amount ${show(raw)} is not numeric`
      return `amount ${p.amount()} is not ${sym} ${limit}`
    },
  }
}

/** Compiles one match mapping. `patterns` supplies the compiled regex (compiled and validated at load). */
export function compileConditions(match: Match, pattern: (source: string) => TextMatcher): Condition[] {
  const out: Condition[] = []
  const add = (c: Condition | null): void => {
    if (c) out.push(c)
  }
  for (const key of MATCH_KEYS) {
    const v = match[key]
    if (v === undefined) continue
    switch (key) {
      case 'tool':
        add(equalsOrWildcard('tool', v as string, (p) => p.tool))
        break
      case 'op':
      case 'operation':
        add(equalsOrWildcard(key, v as string, (p) => p.operation))
        break
      case 'agent_id':
        add(equalsOrWildcard('agent_id', v as string, (p) => p.agent_id))
        break
      case 'mcp_hint':
        add(mcpHintCondition(v as McpHint))
        break
      case 'method': {
        const lower = (v as string).toLowerCase()
        add(stringAt('method', key, v as string, (s) => s.toLowerCase() === lower, 'equal (ignoring case)'))
        break
      }
      case 'branch':
        add(stringAt('branch', key, v as string, (s) => s === v, 'equal'))
        break
      case 'path_contains':
        add(stringAt('path', key, v as string, (s) => s.includes(v as string), 'contain'))
        break
      case 'path_starts_with':
        add(stringAt('path', key, v as string, (s) => s.startsWith(v as string), 'start with'))
        break
      case 'path_ends_with':
        add(stringAt('path', key, v as string, (s) => s.endsWith(v as string), 'end with'))
        break
      case 'amount_gt':
      case 'amount_gte':
      case 'amount_lt':
      case 'amount_lte':
        add(amount(key, v as number))
        break
      case 'field':
        add(fieldEquals(v as string, match.value))
        break
      case 'contains': {
        const needle = v as string
        add({
          key,
          expected: needle,
          scope: 'params',
          test: (p) => p.paramsJson().includes(needle),
          actual: (p) => p.paramsJson(),
          why: () => `params JSON does not contain ${show(needle)}`,
        })
        break
      }
      case 'pattern': {
        const m = pattern(v as string)
        add({
          key,
          expected: v,
          scope: 'params',
          test: (p) => m.test(p.paramsJson()),
          actual: (p) => p.paramsJson(),
          why: () => `params JSON does not match the pattern ${show(v)}`,
        })
        break
      }
      case 'value':
        break // handled together with `field`
    }
  }
  return out
}

function fieldEquals(name: string, expected: unknown): Condition {
  const segments = pathSegments(name)
  const get = (p: PreparedRequest): unknown => p.lookup(name, segments)
  return {
    key: 'field',
    expected: { field: name, value: expected },
    scope: 'params',
    test: (p) => jsonEqual(get(p), expected),
    actual: get,
    why: (p) => {
      const v = get(p)
      return v === undefined ? `no ${name} in params or context` : `${name} is ${show(v)}, not ${show(expected)}`
    },
  }
}

/** All conditions as one predicate; small fixed arities avoid a loop on the hot path. */
export function fuse(conditions: readonly Condition[]): (p: PreparedRequest) => boolean {
  const t = conditions.map((c) => c.test)
  const [a, b, c, d] = t
  switch (t.length) {
    case 0:
      return () => true
    case 1:
      return a!
    case 2:
      return (p) => a!(p) && b!(p)
    case 3:
      return (p) => a!(p) && b!(p) && c!(p)
    case 4:
      return (p) => a!(p) && b!(p) && c!(p) && d!(p)
    default:
      return (p) => {
        for (let i = 0; i < t.length; i++) if (!t[i]!(p)) return false
        return true
      }
  }
}
