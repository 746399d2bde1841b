// JSON Schema validation (ajv, compiled once per schema) turned into PolicyIssues with YAML paths, positions and
// "did you mean" suggestions. Effect counting is left to the policy checks, which say it more plainly than oneOf.
import { Ajv } from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { PolicyIssue } from './errors.js'
import { suggest } from './suggest.js'
import { joinPath } from './yaml-source.js'
import type { YamlSource } from './yaml-source.js'

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true })
const compiled = new WeakMap<object, ValidateFunction>()

export function compileSchema(schema: object): ValidateFunction {
  let fn = compiled.get(schema)
  if (!fn) {
    fn = ajv.compile(schema)
    compiled.set(schema, fn)
  }
  return fn
}

/** `/rules/3/match` → `rules[3].match` */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return ''
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<string>((acc, seg) => joinPath(acc, /^\d+$/.test(seg) ? Number(seg) : seg), '')
}

export type Locator = Pick<YamlSource, 'locate' | 'locateKey'> | null

export function issue(
  locator: Locator,
  code: PolicyIssue['code'],
  path: string,
  message: string,
  atKey = false,
): PolicyIssue {
  const pos = locator ? (atKey ? locator.locateKey(path) : locator.locate(path)) : null
  return { code, message, path, line: pos?.line ?? null, column: pos?.column ?? null }
}

const label = (path: string): string => (path === '' ? 'the document' : path)

export function validateAgainst(validate: ValidateFunction, value: unknown, locator: Locator): PolicyIssue[] {
  if (validate(value)) return []
  const out: PolicyIssue[] = []
  for (const e of validate.errors ?? []) {
    if (e.schemaPath.includes('/oneOf')) continue
    const converted = convert(e, locator)
    if (converted) out.push(converted)
  }
  return out
}

function convert(e: ErrorObject, locator: Locator): PolicyIssue | null {
  const path = pointerToPath(e.instancePath)
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      const hint = suggest(key, known)
      const rule = /rules\[\d+\]$/.test(path) ? (known.includes('allow') ? 'rule key or effect' : 'rule key') : 'key'
      const where = /\.(match|when)$/.test(path) ? 'match key' : rule
      const message =
        `Unknown ${where} ${JSON.stringify(key)} in ${label(path)}` +
        (hint ? `; did you mean ${JSON.stringify(hint)}?` : `; expected one of ${known.join(', ')}`)
      const out = issue(locator, 'UNKNOWN_KEY', joinPath(path, key), message, true)
      if (hint) out.suggestion = hint
      return out
    }
    case 'required':
      return issue(locator, 'SCHEMA_VIOLATION', path, `${label(path)} is missing the required key ${JSON.stringify(params.missingProperty)}`)
    case 'minProperties':
      return issue(locator, 'EMPTY_MATCH', path, `${label(path)} must not be empty: add at least one match key`)
    case 'const':
      return issue(locator, 'SCHEMA_VIOLATION', path, `${label(path)} must be true (remove the key rather than setting it to ${JSON.stringify(e.data)})`)
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const hint = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined
      return issue(locator, 'SCHEMA_VIOLATION', path,
        `${label(path)} must be one of ${allowed.join(', ')}, not ${JSON.stringify(e.data)}` + (hint ? `; did you mean ${JSON.stringify(hint)}?` : ''))
    }
    case 'type':
      // Infinity and NaN are reported once, as INVALID_NUMBER, by the policy checks.
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return null
      return issue(locator, 'SCHEMA_VIOLATION', path, `${label(path)} must be ${article(String(params.type))}, not ${describe(e.data)}`)
    case 'dependencies':
      return issue(locator, 'SCHEMA_VIOLATION', path,
        `${label(path)} has ${JSON.stringify(params.property)} without ${JSON.stringify(params.missingProperty)}: field and value go together`)
    case 'minLength':
      return issue(locator, 'SCHEMA_VIOLATION', path, `${label(path)} must not be empty`)
    default:
      return issue(locator, 'SCHEMA_VIOLATION', path, `${label(path)} ${e.message ?? 'is invalid'}`)
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ')
  if (t === 'object') return 'a mapping'
  if (t === 'array') return 'a list'
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  return `${typeof v} ${JSON.stringify(v)}`
}

/** Document order (line, then column); issues without a position keep their place at the end. */
export function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  const seen = new Set<string>()
  return issues
    .filter((i) => {
      const k = `${i.code}|${i.path}|${i.message}`
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
    .map((i, n) => ({ i, n }))
    .sort((a, b) => (a.i.line ?? Infinity) - (b.i.line ?? Infinity) || (a.i.column ?? 0) - (b.i.column ?? 0) || a.n - b.n)
    .map(({ i }) => i)
}
