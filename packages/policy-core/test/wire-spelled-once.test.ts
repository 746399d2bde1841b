// The wire's enumerations are spelled once, in src/wire-values.ts; everything else imports them (the dashboard via
// the browser-safe `@faramesh/policy-core/wire`). This walks the repository's production sources and fails on a
// literal list of their values written anywhere else, so a status added in one place cannot be missed in another.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import policySchema from '../src/policy.schema.json' with { type: 'json' }
import { ACTION_STATUSES, EFFECTS, EVENT_TYPES, OUTCOMES, RISK_LEVELS } from '../src/wire-values.ts'

const ROOT = new URL('../../../', import.meta.url).pathname
const HOME = 'packages/policy-core/src/wire-values.ts'
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', '.svelte-kit', 'test', 'fixtures', '.turbo'])
const SOURCE = /\.(ts|js|mjs|svelte)$/
const TEST_FILE = /\.(test|spec)\.(ts|js)$/

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name) && !name.startsWith('.')) sources(path, out)
    } else if (SOURCE.test(name) && !TEST_FILE.test(name)) out.push(path)
  }
  return out
}

/**
 * Lists that are not a copy of an enumeration but a set of their own, each with why (file → the list, spaces
 * collapsed). Anything else that looks like a list of wire values fails.
 */
const NOT_COPIES: Record<string, string[]> = {
  // The statuses a wait ends on: a subset the SDK names (a client's choice, not the contract's list).
  'packages/sdk/src/core-client.ts': ["'succeeded', 'failed', 'denied', 'timeout'"],
  // The benchmark's weighted mix of stored statuses (repeats are the weights); typed ActionStatus there.
  'packages/ledger/bench/populate.ts': [
    "'succeeded', 'succeeded', 'succeeded', 'allowed', 'denied', 'denied', 'failed', 'pending_approval', 'approved', 'executing', 'timeout'",
  ],
}

const ENUMS: Record<string, readonly string[]> = { ACTION_STATUSES, EVENT_TYPES, RISK_LEVELS, EFFECTS, OUTCOMES }

/**
 * A literal list: at least `min` distinct values of one enumeration, quoted, separated only by commas, `|` and
 * white space (an array, a Set's argument or a union type). A map such as `{ allow: 'allowed', ... }` is not one:
 * its keys stand between the values.
 */
function literalLists(text: string, values: readonly string[], min: number): string[] {
  const q = `['"\`](?:${values.join('|')})['"\`]`
  const list = new RegExp(`${q}(?:\\s*[,|]\\s*${q})+`, 'g')
  return [...text.matchAll(list)]
    .map((m) => m[0])
    .filter((s) => new Set(s.match(new RegExp(`(?:${values.join('|')})`, 'g'))).size >= min)
}

function copies(values: readonly string[], min: number): string[] {
  const roots = ['packages', 'apps', 'drills'].map((d) => join(ROOT, d))
  const found: string[] = []
  for (const file of roots.flatMap((r) => sources(r))) {
    const rel = relative(ROOT, file)
    if (rel === HOME) continue
    for (const hit of literalLists(readFileSync(file, 'utf8'), values, min)) {
      const list = hit.replace(/\s+/g, ' ')
      if (!NOT_COPIES[rel]?.includes(list)) found.push(`${rel}: ${list}`)
    }
  }
  return found
}

describe('the wire enumerations have one spelling', () => {
  for (const [name, values] of Object.entries(ENUMS)) {
    it(`finds no literal list of ${name} outside wire-values.ts`, () => {
      // Three values make a list; fewer are a condition (`status === 'a' || status === 'b'` is not caught anyway).
      expect(copies(values, Math.min(3, values.length))).toEqual([])
    })
  }

  it('catches a copy (the check itself works)', () => {
    const copy = `const S = [\n  'pending_decision',\n  'allowed',\n  'denied',\n]\ntype R = 'low' | "medium" | 'high'`
    expect(literalLists(copy, ACTION_STATUSES, 3)).toHaveLength(1)
    expect(literalLists(copy, RISK_LEVELS, 3)).toHaveLength(1)
    expect(literalLists(`{ allow: 'allowed', deny: 'denied', require_approval: 'pending_approval' }`, ACTION_STATUSES, 3)).toEqual([])
  })

  it('policy.schema.json (shipped as a file) names the same risk levels and effects', () => {
    expect(policySchema.definitions.riskLevel.enum).toEqual([...RISK_LEVELS])
    expect(policySchema.definitions.rule.oneOf.map((o) => o.required[0])).toEqual([...EFFECTS])
  })
})
