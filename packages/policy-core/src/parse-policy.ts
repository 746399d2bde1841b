// YAML text → validated, compiled Policy. Every problem in the file is collected before throwing, so an author
// fixes them in one pass; the thrown PolicyError leads with the first and lists all in `.errors`.
import { PolicyError } from './errors.js'
import type { PolicyIssue } from './errors.js'
import { policyHashOfDocument } from './hashes.js'
import type { TextMatcher } from './pattern.js'
import { compilePattern } from './pattern.js'
import { buildIndex, compileRiskRule, compileRule } from './policy.js'
import type { Policy, RawRiskRule, RawRule } from './policy.js'
import { checkPolicy } from './policy-checks.js'
import schema from './policy.schema.json' with { type: 'json' }
import { compileSchema, sortIssues, validateAgainst } from './validate-document.js'
import type { Locator } from './validate-document.js'
import { loadYaml } from './yaml-source.js'

export interface ParseOptions {
  /** File name or label, reported in errors and kept as `policy.source`. */
  source?: string
}

/** The JSON Schema of a policy document (also shipped as `@faramesh/policy-core/policy.schema.json`). */
export const policySchema: object = schema

export function parsePolicy(yamlText: string, opts: ParseOptions = {}): Policy {
  if (typeof yamlText !== 'string') {
    throw new PolicyError('INVALID_DOCUMENT', 'Policy text must be a string', opts.source === undefined ? {} : { source: opts.source })
  }
  const yaml = loadYaml(yamlText, opts.source)
  return buildPolicy(yaml.value, yaml, opts.source)
}

/** Validates and compiles an already-parsed policy document (for JSON input or programmatic policies). */
export function policyFromObject(doc: unknown, opts: ParseOptions = {}): Policy {
  return buildPolicy(doc, null, opts.source)
}

function buildPolicy(doc: unknown, locator: Locator, source: string | undefined): Policy {
  const patterns = new Map<string, TextMatcher>()
  const issues: PolicyIssue[] = [...validateAgainst(compileSchema(schema), doc, locator), ...checkPolicy(doc, locator, patterns)]
  if (issues.length > 0) throw PolicyError.fromIssues(sortIssues(issues), source)
  const d = doc as { rules: RawRule[]; risk?: { rules?: RawRiskRule[] } }
  const pattern = (s: string): TextMatcher => patterns.get(s) ?? compilePattern(s)
  const rules = d.rules.map((r, i) => compileRule(r, i, pattern))
  const riskRules = (d.risk?.rules ?? []).map((r, i) => compileRiskRule(r, i, pattern))
  return {
    rules,
    riskRules,
    hash: policyHashOfDocument(doc),
    source: source ?? null,
    raw: doc,
    index: buildIndex(rules),
  }
}
