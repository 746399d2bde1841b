// Where the CLI finds the gateway and local files: flags, then the gateway's own resolver (@faramesh/server/config:
// real environment variables over `.env` in the working directory and at the workspace root, relative paths
// against the same directory, the same names and defaults; CONTRACT.md § Configuration), so the CLI and the
// gateway started in the same place always agree — with one deliberate difference, `trustsRoot` below.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findWorkspaceRoot, hostOf, lookup, portOf, profilePathOf, readConfigEnv, tokenOf, tokensFileOf } from '@faramesh/server/config'

export { parseDotEnv } from '@faramesh/server/config'

export interface TargetFlags {
  host?: string | undefined
  port?: number | undefined
  token?: string | undefined
}

export interface ApiTarget {
  baseUrl: string
  token: string | undefined
}

const ownRoot = findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)))

/**
 * The CLI sends the user's token to the address it resolves, and `token create` writes where it resolves. So `.env`
 * at a workspace root counts only when that workspace is the one this CLI runs from (the Faramesh checkout, or the
 * project that installed it): a pnpm workspace someone else ships, whose root `.env` names their host, must not
 * redirect `faramesh approve` run in one of its sub-folders. The gateway reads any root `.env`: its operator's.
 */
export const trustsRoot = (root: string): boolean => root === ownRoot

/** The process environment over `.env` in the working directory and at the CLI's own workspace root. */
export function effectiveEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Record<string, string | undefined> {
  return readConfigEnv(env, cwd, { trustRoot: trustsRoot }).vars
}

/** A bind-all address is not something to connect to: use loopback instead. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`
  return host
}

/** Flags, else the variables the gateway listens by (an invalid FARAMESH_PORT is a VALIDATION error, as in serve). */
export function resolveTarget(flags: TargetFlags, env: Record<string, string | undefined>): ApiTarget {
  const get = lookup(env)
  const token = flags.token ?? tokenOf(get) ?? undefined
  const baseFromEnv = get('FARAMESH_BASE_URL') ?? get('FARA_API_BASE')
  if (flags.host === undefined && flags.port === undefined && baseFromEnv) {
    return { baseUrl: baseFromEnv.replace(/\/+$/, ''), token }
  }
  const host = flags.host ?? hostOf(get)
  const port = flags.port ?? portOf(get)
  if (/^https?:\/\//.test(host)) return { baseUrl: host.replace(/\/+$/, ''), token }
  return { baseUrl: `http://${connectHost(host)}:${port}`, token }
}

/** The profile the gateway would load here (FARAMESH_PROFILE_FILE, FARA_PROFILE_FILE, profiles/default.yaml), or null. */
export function profilePath(env: Record<string, string | undefined>, cwd = process.cwd()): string | null {
  return profilePathOf(readConfigEnv(env, cwd, { trustRoot: trustsRoot }))
}

/** The tokens file the gateway would follow here (FARAMESH_TOKENS_FILE, else data/tokens.json). */
export function tokensPath(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  return tokensFileOf(readConfigEnv(env, cwd, { trustRoot: trustsRoot }))
}
