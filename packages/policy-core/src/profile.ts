// Profiles (CONTRACT.md § Profiles): a coarse gate checked before policy rules, in the original's order:
// allowed_tools, then the profile's rules (first match), then required_controls. A profile can stop a request (HALT)
// or send it to approval (ABSTAIN); it never allows one on its own: a matching EXECUTE rule ends the profile step and
// the policy decides (the original executed at once, skipping the policy).
import { canonicalJson } from './canonical-json.js'
import { compileConditions, fuse } from './conditions.js'
import type { Condition, Match } from './conditions.js'
import { PolicyError } from './errors.js'
import { sha256Hex } from './hashes.js'
import { isTruthy } from './lookup.js'
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
  /** Required; also the `reason` of the decisions the rule makes (as in the original). */
  readonly name: string
  readonly when: Match
  /** Rule-level RE2 pattern searched in the canonical params JSON, in addition to `when`; null when absent. */
  readonly pattern: string | null
  readonly outcome: Outcome
  readonly reason_code: ReasonCode
  readonly conditions: readonly Condition[]
  readonly test: (p: PreparedRequest) => boolean
}

export interface RequiredControls {
  /** The request must carry a non-empty `approval_token` in its context or params. */
  readonly approval_token: boolean
}

/** What profile_hash covers: the profile with every default filled in, in the original's field set. */
export interface NormalizedProfile {
  id: string
  version: string
  allowed_tools: string[]
  rules: Array<{ name: string; when: Match; pattern: string | null; outcome: Outcome; reason_code: string }>
  required_controls: { approval_token: boolean }
}

export interface Profile {
  readonly id: string
  readonly version: string
  /** Tools the profile lets through to the policy; `*` lets every tool through. Empty: none. */
  readonly allowed_tools: readonly string[]
  readonly rules: readonly ProfileRule[]
  readonly required_controls: RequiredControls
  /** profile_hash: sha256 of the canonical JSON of `normalized`, equal to the original's for the same file. */
  readonly hash: string
  readonly normalized: NormalizedProfile
  readonly source: string | null
}

export interface ProfileVerdict {
  outcome: Exclude<Outcome, 'EXECUTE'>
  reason_code: ReasonCode
  reason: string
}

interface RawRule {
  name: string
  when: Match
  pattern?: string
  outcome?: Outcome
  reason_code?: string
}

interface RawProfile {
  id?: string
  version?: string | number
  allowed_tools?: string[]
  rules?: RawRule[]
  required_controls?: { approval_token?: boolean }
}

export function parseProfile(yamlText: string, opts: { source?: string } = {}): Profile {
  const yaml = loadYaml(yamlText, opts.source)
  return buildProfile(yaml.value, yaml, opts.source)
}

export function profileFromObject(doc: unknown, opts: { source?: string } = {}): Profile {
  return buildProfile(doc, null, opts.source)
}

/** The original's defaults (profiles.py: load_profile_from_env and the pydantic models). */
export function normalizeProfile(d: RawProfile): NormalizedProfile {
  return {
    id: d.id ?? 'default',
    version: d.version === undefined ? '1' : String(d.version),
    allowed_tools: d.allowed_tools ?? [],
    rules: (d.rules ?? []).map((r) => ({
      name: r.name,
      when: r.when,
      // Absent is null in the hash: the original hashed its pydantic model, where a missing pattern is None.
      pattern: r.pattern ?? null,
      outcome: r.outcome ?? 'HALT',
      reason_code: r.reason_code ?? 'PROFILE_RULE_DENY',
    })),
    required_controls: { approval_token: d.required_controls?.approval_token ?? false },
  }
}

function buildProfile(doc: unknown, locator: Locator, source: string | undefined): Profile {
  const patterns = new Map<string, TextMatcher>()
  const issues = validateAgainst(compileSchema(profileSchema), doc, locator)
  findNonFinite(doc, '', locator, issues)
  const d = doc as RawProfile
  if (issues.length === 0) {
    d.rules?.forEach((r, i) => {
      const at = joinPath('rules', i)
      checkMatchPattern(r.when, joinPath(at, 'when'), locator, patterns, issues)
      checkMatchPattern(r, at, locator, patterns, issues)
    })
  }
  if (issues.length > 0) throw PolicyError.fromIssues(sortIssues(issues), source)
  const pattern = (s: string): TextMatcher => patterns.get(s) ?? compilePattern(s)
  const normalized = normalizeProfile(d)
  const rules = normalized.rules.map((r, index): ProfileRule => {
    const conditions = [...compileConditions(r.when, pattern), ...(r.pattern === null ? [] : compileConditions({ pattern: r.pattern }, pattern))]
    return { index, ...r, conditions, test: fuse(conditions) }
  })
  return {
    id: normalized.id,
    version: normalized.version,
    allowed_tools: normalized.allowed_tools,
    rules,
    required_controls: normalized.required_controls,
    hash: sha256Hex(canonicalJson(normalized)),
    normalized,
    source: source ?? null,
  }
}

const field = (v: unknown, name: string): unknown => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined)

/** null when the profile lets the request through to the policy; otherwise why it stops or defers it. */
export function evaluateProfile(profile: Profile, request: unknown): ProfileVerdict | null {
  const p = prepareRequest(request)
  const tools = profile.allowed_tools
  if (!tools.includes('*') && !(typeof p.tool === 'string' && tools.includes(p.tool))) {
    return { outcome: 'HALT', reason_code: 'PROFILE_DISALLOWS_TOOL', reason: `Tool ${JSON.stringify(p.tool)} is not allowed by profile ${profile.id}` }
  }
  try {
    for (const rule of profile.rules) {
      if (!rule.test(p)) continue
      if (rule.outcome === 'EXECUTE') return null
      return { outcome: rule.outcome, reason_code: rule.reason_code, reason: rule.name }
    }
  } catch (err) {
    return { outcome: 'HALT', reason_code: 'INTERNAL_ERROR', reason: `Request could not be evaluated: ${err instanceof Error ? err.message : String(err)}` }
  }
  // As the original (same reason text): context.approval_token, else params.approval_token, non-empty.
  if (profile.required_controls.approval_token && !isTruthy(field(p.context, 'approval_token')) && !isTruthy(field(p.params, 'approval_token'))) {
    return { outcome: 'HALT', reason_code: 'PROFILE_MISSING_REQUIRED_CONTROL', reason: 'Profile requires approval_token but none provided' }
  }
  return null
}
