// Checks the schema cannot express well: effect count, RE2 patterns, non-finite numbers. They run on whatever
// parts of the document have the right shape, so one pass reports every problem.
import { PolicyError } from './errors.js'
import type { PolicyIssue } from './errors.js'
import { compilePattern } from './pattern.js'
import type { TextMatcher } from './pattern.js'
import { EFFECTS } from './wire-values.js'
import { issue } from './validate-document.js'
import type { Locator } from './validate-document.js'
import { joinPath } from './yaml-source.js'

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function checkPolicy(doc: unknown, locator: Locator, patterns: Map<string, TextMatcher>): PolicyIssue[] {
  const out: PolicyIssue[] = []
  findNonFinite(doc, '', locator, out)
  if (!isMap(doc)) return out
  if (Array.isArray(doc.rules)) {
    doc.rules.forEach((rule, i) => {
      const path = joinPath('rules', i)
      if (!isMap(rule)) return
      const effects = EFFECTS.filter((e) => e in rule)
      if (effects.length === 0) {
        out.push(issue(locator, 'NO_EFFECT', path, `${path} has no effect: add one of allow: true, deny: true, require_approval: true`))
      } else if (effects.length > 1) {
        out.push(issue(locator, 'MULTIPLE_EFFECTS', path, `${path} has ${effects.length} effects (${effects.join(', ')}); a rule has exactly one`))
      }
      checkMatchPattern(rule.match, joinPath(path, 'match'), locator, patterns, out)
      if ('allow' in rule && isMap(rule.match) && 'mcp_hint' in rule.match) {
        const at = joinPath(joinPath(path, 'match'), 'mcp_hint')
        out.push(issue(locator, 'SCHEMA_VIOLATION', at,
          `${at}: mcp_hint can only tighten (an MCP server's annotations are untrusted hints): use it in a deny or ` +
            'require_approval rule, or a risk rule, placed before the allow rule', true))
      }
    })
  }
  const risk = doc.risk
  if (isMap(risk) && Array.isArray(risk.rules)) {
    risk.rules.forEach((r, i) => {
      if (isMap(r)) checkMatchPattern(r.when, joinPath(joinPath('risk.rules', i), 'when'), locator, patterns, out)
    })
  }
  return out
}

export function checkMatchPattern(
  match: unknown,
  path: string,
  locator: Locator,
  patterns: Map<string, TextMatcher>,
  out: PolicyIssue[],
): void {
  if (!isMap(match) || typeof match.pattern !== 'string') return
  const source = match.pattern
  if (patterns.has(source)) return
  try {
    patterns.set(source, compilePattern(source))
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err
    out.push(issue(locator, 'INVALID_PATTERN', joinPath(path, 'pattern'), err.message))
  }
}

/** Reports every Infinity/NaN with its path. Paths are only built when the cheap scan finds one. */
export function findNonFinite(v: unknown, path: string, locator: Locator, out: PolicyIssue[]): void {
  if (hasNonFinite(v)) collectNonFinite(v, path, locator, out)
}

function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v)
  if (typeof v !== 'object' || v === null) return false
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasNonFinite(x)) return true
  return false
}

function collectNonFinite(v: unknown, path: string, locator: Locator, out: PolicyIssue[]): void {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    out.push(issue(locator, 'INVALID_NUMBER', path, `${path || 'the document'} is ${v}; numbers must be finite`))
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => collectNonFinite(x, joinPath(path, i), locator, out))
  } else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) collectNonFinite(x, joinPath(path, k), locator, out)
  }
}
