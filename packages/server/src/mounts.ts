// Sub-apps other packages mount into the gateway (the MCP endpoints of @faramesh/mcp, through a gateway extension).
// The gateway authenticates the caller and checks the mount's permission first; the sub-app then gets the request
// unchanged (full path, body unread, its abort signal) and the principal in its env: a Hono sub-app reads
// `c.env.principal`. Nothing about the caller travels in a header, so no request can claim to be someone.
import type { Context, Hono } from 'hono'
import type { GatewayEnv } from './app-env.js'
import { requirePermission, type Permission, type Principal } from './auth.js'
import { ApiError } from './errors.js'

/** The env a mounted app's fetch receives: the runtime's bindings (node: incoming, outgoing) plus the caller. */
export type MountEnv = Record<string, unknown> & {
  principal: Principal
  /** The bearer token the principal was resolved from (undefined in open mode), to re-check a long-lived session. */
  credential: string | undefined
}

export interface GatewayMount {
  /** Where the sub-app answers, e.g. '/mcp/' or '/v1/mcp/': a slash, lowercase path segments, a closing slash. */
  prefix: string
  /** Checked before the sub-app runs ('submit' for /mcp/): no token → 401, another role → 403 {detail}. */
  permission: Permission
  /** A fetch handler (a Hono app's `fetch`), called with the request as received and a MountEnv. */
  app: { fetch(req: Request, env: MountEnv): Response | Promise<Response> }
  /**
   * OpenAPI 3.1 path items for what the sub-app serves (e.g. '/mcp/{name}'), listed in /openapi.json while mounted.
   * Paths must lie under the prefix; the gateway's own paths are never replaced.
   */
  openapi?: Record<string, Record<string, unknown>>
}

const PREFIX = /^\/[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*\/$/
/** The gateway's own path spaces: a mount may sit below /v1/ (e.g. /v1/mcp/) but never be one of these. */
const RESERVED = new Set(['/v1/', '/v1/actions/', '/v1/gate/', '/v1/events/', '/v1/ledger/', '/v1/policy/', '/v1/auth/', '/playground/', '/metrics/', '/health/', '/ready/', '/openapi.json/'])

/** Checks a mount's prefix; throws CONFIG_INVALID naming it. */
export function checkMountPrefix(prefix: string, taken: readonly string[]): void {
  const bad = (why: string): ApiError => new ApiError('CONFIG_INVALID', `gateway mount ${JSON.stringify(prefix)}: ${why}`, { where: prefix })
  if (!PREFIX.test(prefix)) throw bad('a prefix is a slash, lowercase path segments and a closing slash, such as /mcp/')
  if ([...RESERVED].some((r) => prefix === r || prefix.startsWith(r) && r !== '/v1/')) throw bad('that path belongs to the gateway')
  if (taken.some((t) => prefix.startsWith(t) || t.startsWith(prefix))) throw bad('it overlaps another mount')
}

/** Checks that every documented path of a mount lies under its prefix; throws CONFIG_INVALID naming it. */
export function checkMountDocs(m: GatewayMount): void {
  for (const path of Object.keys(m.openapi ?? {}))
    if (!underMount([m.prefix], path))
      throw new ApiError('CONFIG_INVALID', `gateway mount ${JSON.stringify(m.prefix)}: documents ${JSON.stringify(path)}, outside its prefix`, { where: m.prefix })
}

/** True when `path` is under one of the prefixes (or is a prefix without its closing slash). */
export const underMount = (prefixes: readonly string[], path: string): boolean =>
  prefixes.some((p) => path.startsWith(p) || path === p.slice(0, -1))

/** Registers the sub-app's routes on the gateway; the auth middleware already treats the prefix as protected. */
export function registerMount(app: Hono<GatewayEnv>, m: GatewayMount): void {
  const handler = async (c: Context<GatewayEnv>): Promise<Response> => {
    const principal = c.get('principal')
    requirePermission(principal, m.permission)
    const env: MountEnv = { ...(c.env as Record<string, unknown> | undefined), principal, credential: c.get('credential') }
    return m.app.fetch(c.req.raw, env)
  }
  app.all(`${m.prefix}*`, handler)
  app.all(m.prefix.slice(0, -1), handler)
}
