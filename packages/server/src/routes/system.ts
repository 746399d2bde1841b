// Health, readiness, metrics, OpenAPI, policy info/reload and whoami.
import type { Hono } from 'hono'
import { requirePermission } from '../auth.js'
import type { GatewayEnv, RouteDeps } from '../app-env.js'
import { policyVersion } from '@faramesh/policy-core'
import { decide, SERVER_VERSION } from '@faramesh/decision'
import { ApiError } from '../errors.js'
import { buildOpenApi } from '../openapi.js'

const PING_TIMEOUT_MS = 2000

async function storeReachable(d: RouteDeps): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), PING_TIMEOUT_MS)))
  try {
    return await Promise.race([d.ledger.ping().catch(() => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function systemRoutes(app: Hono<GatewayEnv>, d: RouteDeps): void {
  let openapi: string | null = null

  app.get('/health', (c) => c.json({ status: 'healthy' }))

  app.get('/ready', async (c) => {
    const store = await storeReachable(d)
    const policy = d.policy.current()
    if (store) return c.json({ status: 'ready', store: 'ok', policy_version: policyVersion(policy.policy, policy.policyVersion ?? undefined) })
    return c.json({ status: 'not_ready', detail: 'Store unavailable: the database cannot be reached', store: 'unavailable' }, 503)
  })

  app.get('/metrics', async (c) => {
    requirePermission(c.get('principal'), 'metrics')
    const text = await d.metrics.registry.metrics()
    return c.body(text, 200, { 'Content-Type': d.metrics.registry.contentType })
  })

  app.get('/openapi.json', (c) => {
    openapi ??= JSON.stringify(buildOpenApi(SERVER_VERSION, d.mountedPaths))
    return c.body(openapi, 200, { 'Content-Type': 'application/json' })
  })

  app.get('/v1/auth/whoami', (c) => {
    const p = c.get('principal')
    return c.json({ name: p.name, role: p.role, auth_enabled: d.auth.enabled, agent_id: p.agentId })
  })

  app.get('/v1/policy/info', (c) => {
    requirePermission(c.get('principal'), 'read')
    const s = d.policy.current()
    // policy_version exactly as decisions report it (override or sha256:<12 hex>).
    const probe = decide(s, { agent_id: '-', tool: '-', operation: '-' })
    const files = d.policy.status?.() ?? { exists: s.exists, reloadError: null }
    return c.json({
      policy_file: s.policyFile,
      policy_path: s.policyPath,
      exists: files.exists,
      policy_version: probe.policy_version,
      policy_hash: probe.policy_hash,
      profile_id: probe.profile_id,
      profile_hash: probe.profile_hash,
      loaded_at: s.loadedAt,
      // Set while the file on disk is missing, unreadable or invalid: the policy above (the last valid one) is in force.
      reload_error: files.reloadError,
      profile_error: s.profileError,
    })
  })

  app.post('/v1/policy/reload', async (c) => {
    requirePermission(c.get('principal'), 'admin')
    if (!d.policy.reload) throw new ApiError('CONFLICT', 'This gateway has no policy file to reload')
    const r = await d.policy.reload()
    if (!r.ok) {
      const detail =
        r.failed === 'profile'
          ? `Profile reload failed, previous profile kept: ${r.error}` +
            (r.policyReloaded ? ` (the policy file was reloaded: policy_hash ${r.snapshot.policy.hash} is in force)` : '')
          : `Policy reload failed, previous policy kept: ${r.error}`
      return c.json({ detail }, 422)
    }
    return c.json({ status: 'reloaded', policy_hash: r.snapshot.policy.hash })
  })
}
