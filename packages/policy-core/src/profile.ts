// Profiles (CONTRACT.md § Profiles): a coarse gate checked before policy rules. Order: allowed_tools, then
// required_controls, then the profile's own rules (first match). A profile can stop a request (HALT) or send it to
// approval (ABSTAIN); it can never allow one on its own: an EXECUTE rule only ends the profile step.
import { compileConditions, fuse } from './conditions.js'
import type { Condition, Match } from './conditions.js'
import { PolicyError } from './errors.js'
import { canonicalJson } from './canonical-json.js'
import { sha256Hex } from './hashes.js'
import { isTruthy, lookupValue, pathSegments } from './lookup.js'
import { compilePattern } from './pattern.js'
import type { TextMatcher } from './pattern.js'
import { checkMatchPattern, findNonFinite } from './policy-checks.js'
import { prepareRequest } from './prepared-request.js'
import type { PreparedRequest } from './prepared-request.js'
import { profileSchema } from './profile-schema.js'
import { compileSchema, sortIssues, validateAgainst } from './validate-document.js'
import type { Locator } from './validate-document.js'
import type { Outcome, ReasonCode } from './wire.js'
import { joinPath, loadYaml } from './yaml-source.js'

export interface ProfileRule {
  readonly index: number
  readonly when: Match
  readonly outcome: Outcome
  readonly reason_code: ReasonCode
  readonly reason: string | null
  readonly conditions: readonly Condition[]
  readonly test: (p: PreparedRequest) => boolean
}

export interface Profile {
  readonly id: string
  readonly version: string | null
  /** null: every tool is allowed. */
  readonly allowed_tools: readonly string[] | null
  readonly rules: readonly ProfileRule[]
  readonly required_controls: readonly string[]
  /** profile_hash: sha256 of the canonical JSON of the parsed profile. */
  readonly hash: string
  readonly source: string | null
  readonly raw: unknown
}

export interface ProfileVerdict {
  outcome: Exclude<Outcome, 'EXECUTE'>
  reason_code: ReasonCode
  reason: string
}

interface RawProfile {
  id: string
  version?: string | number
  allowed_tools?: string[]
  required_controls?: string[]
  rules?: Array<{ when: Match; outcome: Outcome; reason_code?: ReasonCode; reason?: string }>
}

export function parseProfile(yamlText: string, opts: { source?: string } = {}): Profile {
  const yaml = loadYaml(yamlText, opts.source)
  return buildProfile(yaml.value, yaml, opts.source)
}

export function profileFromObject(doc: unknown, opts: { source?: string } = {}): Profile {
  return buildProfile(doc, null, opts.source)
}

function buildProfile(doc: unknown, locator: Locator, source: string | undefined): Profile {
  const patterns = new Map<string, TextMatcher>()
  const issues = validateAgainst(compileSchema(profileSchema), doc, locator)
  findNonFinite(doc, '', locator, issues)
  const d = doc as RawProfile
  if (issues.length === 0) {
    d.rules?.forEach((r, i) => checkMatchPattern(r.when, joinPath(joinPath('rules', i), 'when'), locator, patterns, issues))
  }
  if (issues.length > 0) throw PolicyError.fromIssues(sortIssues(issues), source)
  const pattern = (s: string): TextMatcher => patterns.get(s) ?? compilePattern(s)
  const rules = (d.rules ?? []).map((r, index): ProfileRule => {
    const conditions = compileConditions(r.when, pattern)
    const fallback: ReasonCode = r.outcome === 'ABSTAIN' ? 'POLICY_REQUIRE_APPROVAL' : 'PROFILE_RULE_DENY'
    return { index, when: r.when, outcome: r.outcome, reason_code: r.reason_code ?? fallback, reason: r.reason ?? null, conditions, test: fuse(conditions) }
  })
  return {
    id: d.id,
    version: d.version === undefined ? null : String(d.version),
    allowed_tools: d.allowed_tools ?? null,
    rules,
    required_controls: d.required_controls ?? [],
    hash: sha256Hex(canonicalJson(doc)),
    source: source ?? null,
    raw: doc,
  }
}

/** null when the profile lets the request through to the policy; otherwise why it stops or defers it. */
export function evaluateProfile(profile: Profile, request: unknown): ProfileVerdict | null {
  const p = prepareRequest(request)
  const tools = profile.allowed_tools
  if (tools !== null && !tools.includes('*') && !(typeof p.tool === 'string' && tools.includes(p.tool))) {
    return { outcome: 'HALT', reason_code: 'PROFILE_DISALLOWS_TOOL', reason: `Tool ${JSON.stringify(p.tool)} is not allowed by profile ${profile.id}` }
  }
  for (const control of profile.required_controls) {
    const name = control.startsWith('context.') ? control.slice('context.'.length) : control
    // context[name], else a dotted path inside context.
    if (!isTruthy(lookupValue(p.context, undefined, name, pathSegments(name)))) {
      return { outcome: 'HALT', reason_code: 'PROFILE_MISSING_REQUIRED_CONTROL', reason: `Missing required control context.${name} (profile ${profile.id})` }
    }
  }
  try {
    for (const rule of profile.rules) {
      if (!rule.test(p)) continue
      if (rule.outcome === 'EXECUTE') return null
      return { outcome: rule.outcome, reason_code: rule.reason_code, reason: rule.reason ?? `Profile ${profile.id} rule ${rule.index} (${rule.outcome})` }
    }
  } catch (err) {
    return { outcome: 'HALT', reason_code: 'INTERNAL_ERROR', reason: `Request could not be evaluated: ${err instanceof Error ? err.message : String(err)}` }
  }
  return null
}
