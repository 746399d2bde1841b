// Where the CLI finds the gateway and local files: flags, then real environment variables, then `.env` in the
// working directory, then the same defaults as the server (CONTRACT.md § Configuration).
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface TargetFlags {
  host?: string | undefined
  port?: number | undefined
  token?: string | undefined
}

export interface ApiTarget {
  baseUrl: string
  token: string | undefined
}

/** Parses `KEY=value` lines; quotes are removed, `#` starts a comment, `export ` is allowed. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let value = (m[2] ?? '').trim()
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1)
    } else {
      value = value.replace(/\s+#.*$/, '')
    }
    out[m[1] as string] = value
  }
  return out
}

/** The process environment over `.env` (real variables win, as in the server). */
export function effectiveEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {}
  try {
    fromFile = parseDotEnv(readFileSync(join(cwd, '.env'), 'utf8'))
  } catch {
    // No .env is the normal case.
  }
  return { ...fromFile, ...env }
}

function pick(env: Record<string, string | undefined>, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = env[name]
    if (v !== undefined && v !== '') return v
  }
  return undefined
}

/** A bind-all address is not something to connect to: use loopback instead. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`
  return host
}

export function resolveTarget(flags: TargetFlags, env: Record<string, string | undefined>): ApiTarget {
  const token = flags.token ?? pick(env, 'FARAMESH_TOKEN', 'FARA_AUTH_TOKEN')
  const baseFromEnv = pick(env, 'FARAMESH_BASE_URL', 'FARA_API_BASE')
  if (flags.host === undefined && flags.port === undefined && baseFromEnv) {
    return { baseUrl: baseFromEnv.replace(/\/+$/, ''), token }
  }
  const host = flags.host ?? pick(env, 'FARAMESH_HOST', 'FARA_API_HOST') ?? '127.0.0.1'
  const port = flags.port ?? Number(pick(env, 'FARAMESH_PORT', 'FARA_API_PORT') ?? 8000)
  if (/^https?:\/\//.test(host)) return { baseUrl: host.replace(/\/+$/, ''), token }
  return { baseUrl: `http://${connectHost(host)}:${port}`, token }
}

/**
 * The profile the gateway would load: FARAMESH_PROFILE_FILE (the original's name; alias FARA_PROFILE_FILE), else
 * profiles/default.yaml when it exists, else none.
 */
export function profilePath(env: Record<string, string | undefined>, cwd = process.cwd()): string | null {
  const configured = pick(env, 'FARAMESH_PROFILE_FILE', 'FARA_PROFILE_FILE')
  if (configured) return resolve(cwd, configured)
  const fallback = resolve(cwd, 'profiles/default.yaml')
  return existsSync(fallback) ? fallback : null
}

export function tokensPath(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  return resolve(cwd, pick(env, 'FARAMESH_TOKENS_FILE') ?? 'data/tokens.json')
}
