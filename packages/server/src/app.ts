// createApp(deps): the gateway as a Hono app. Everything is injected (ledger, policy source, clock, config,
// logger), so tests drive it with app.request() and the node layer only adds listening and files.
import { Hono } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Ledger } from '@faramesh/ledger'
import { createActionsService, type ActionsService } from './actions-service.js'
import { APPROVAL_SECRET_PURPOSE, createApprovalTokens } from './approval-tokens.js'
import { corsMiddleware } from './cors.js'
import { crossSiteDetail, crossSiteRefusal } from './cross-site.js'
import { header } from './headers.js'
import { ANONYMOUS, bearerToken, createAuthenticator, type Authenticator, type Principal } from './auth.js'
import { forbidden } from './errors.js'
import { defaultAppConfig, type AppConfig, type GatewayEnv, type RouteDeps } from './app-env.js'
import type { InstanceLease } from './executors/lease.js'
import { createInProcessGate, type InProcessGate } from './in-process-gate.js'
import { checkMountDocs, checkMountPrefix, registerMount, underMount, type GatewayMount } from './mounts.js'
import { createExecutorRunner, type ExecutorRunner } from './executors/runner.js'
import { createShellExecutor } from './executors/shell.js'
import type { Executor } from './executors/types.js'
import { silentLogger, type Logger } from './logger.js'
import { createMetrics, policyLabels, type Metrics } from './metrics.js'
import { errorResponse } from './on-error.js'
import type { PolicySource } from './policy-source.js'
import { actionRoutes } from './routes/actions.js'
import { gateRoutes } from './routes/gate.js'
import { ledgerRoutes } from './routes/ledger.js'
import { lifecycleRoutes } from './routes/lifecycle.js'
import { sseRoutes } from './routes/events-sse.js'
import { systemRoutes } from './routes/system.js'
import { createSseHub, type SseHub } from './sse-hub.js'

export interface AppDeps {
  ledger: Ledger
  policy: PolicySource
  clock?: () => Date
  config?: Partial<AppConfig>
  logger?: Logger
  metrics?: Metrics
  /** Defaults to open (anonymous admin): the node layer refuses that on non-loopback addresses. */
  auth?: Authenticator
  /** Built-in executors available; FARAMESH_EXECUTORS (config.executors) picks among them. */
  executors?: Executor[]
  /** This gateway process's lease on the store (node layer); default: one that fails no other process's executions. */
  lease?: InstanceLease
}

export type GatewayApp = Hono<GatewayEnv> & {
  readonly service: ActionsService
  readonly auth: Authenticator
  readonly logger: Logger
  readonly metrics: Metrics
  readonly hub: SseHub
  readonly runner: ExecutorRunner
  readonly config: AppConfig
  /** An MCP GatePort acting as `principal`, in process: the same checks as the routes (in-process-gate.ts). */
  gateFor(principal: Principal): InProcessGate
  /**
   * Mount a sub-app (a gateway extension's) under its prefix: protected, its permission checked first, the principal
   * in its env (mounts.ts). Call before the gateway serves its first request.
   */
  mount(m: GatewayMount): void
  /** Stop background work (SSE, sweeper, executors); the ledger is the caller's to close. */
  close(): Promise<void>
}

const isProtected = (path: string, mounts: readonly string[]): boolean =>
  (path.startsWith('/v1/') && path !== '/v1/ledger/public-key') || path === '/metrics' || path === '/playground/eval' || underMount(mounts, path)

export function createApp(deps: AppDeps): GatewayApp {
  const config: AppConfig = { ...defaultAppConfig, ...deps.config }
  const clock = deps.clock ?? (() => new Date())
  const logger = deps.logger ?? silentLogger
  const metrics = deps.metrics ?? createMetrics()
  const auth = deps.auth ?? createAuthenticator({})
  const available = deps.executors ?? [createShellExecutor()]
  const labels = policyLabels(deps.policy)
  const runner = createExecutorRunner({
    ledger: deps.ledger,
    executors: available.filter((e) => config.executors.includes(e.id)),
    logger,
    defaultTimeoutSec: config.actionTimeoutSec,
    ...(deps.lease ? { lease: deps.lease } : {}),
    clock,
    onFinished: (a) => metrics.countAction(a.status, labels.tool(a.tool)),
  })
  const hub = createSseHub({
    ledger: deps.ledger,
    metrics,
    logger,
    maxQueue: config.sseMaxQueue,
    maxBytes: config.sseMaxBytes,
    heartbeatMs: config.sseHeartbeatMs,
  })
  const service = createActionsService({
    ledger: deps.ledger,
    policy: deps.policy,
    metrics,
    clock,
    runner,
    approvalTtlMs: config.approvalTtlMs,
    approvalTokens: createApprovalTokens(deps.ledger.deriveSecret(APPROVAL_SECRET_PURPOSE)),
    admission: hub.admission,
  })
  const mountedPaths: Record<string, unknown> = {}
  const d: RouteDeps = { ledger: deps.ledger, policy: deps.policy, service, auth, metrics, logger, hub, runner, config, clock, mountedPaths }

  const app = new Hono<GatewayEnv>()
  const mounted: string[] = []
  app.use('*', async (c, next) => {
    await next()
    // The route pattern (not the raw path) keeps label cardinality bounded; middleware routes are method ALL.
    const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL')
    const endpoint = route ? route.path.replace(/:(\w+)/g, '{$1}') : 'unmatched'
    metrics.countRequest(c.req.method, endpoint, c.res.status)
  })
  if (config.enableCors) {
    app.use('*', corsMiddleware({ origins: config.corsOrigins, exposeHeaders: ['X-Total-Count', 'X-Next-Cursor'] }))
  }
  app.use('*', async (c, next) => {
    if (!isProtected(c.req.path, mounted)) {
      c.set('principal', ANONYMOUS)
      return next()
    }
    let token = bearerToken(header(c, 'authorization'))
    // Browsers' EventSource cannot send headers: the stream also takes ?token=.
    if (token === undefined && c.req.path === '/v1/events') token = c.req.query('token')
    const principal = auth.authenticate(token)
    if (principal.kind === 'anonymous') {
      // Open mode: every caller is the admin, so a web page on another site must not be one (cross-site.ts).
      const why = crossSiteRefusal({
        host: header(c, 'host') ?? new URL(c.req.url).host,
        origin: header(c, 'origin'),
        openToNetwork: config.openToNetwork,
        trustedOrigins: config.corsOrigins,
      })
      if (why) throw forbidden(crossSiteDetail(why))
    }
    c.set('principal', principal)
    c.set('credential', token)
    return next()
  })

  systemRoutes(app, d)
  actionRoutes(app, d)
  lifecycleRoutes(app, d)
  gateRoutes(app, d)
  sseRoutes(app, d)
  ledgerRoutes(app, d)

  app.onError((err, c) => errorResponse(err, c, logger, metrics))
  app.notFound((c) => c.json({ detail: 'Not Found' }, 404))

  const sweepMs = Math.max(1000, Math.min(30_000, Math.floor(config.approvalTtlMs / 4)))
  const sweeper = setInterval(() => {
    service.expireDue().catch((err: unknown) => logger.warn('approval sweep failed', { error: String(err) }))
  }, sweepMs)
  sweeper.unref()

  return Object.assign(app, {
    service,
    auth,
    logger,
    metrics,
    hub,
    runner,
    config,
    gateFor: (principal: Principal) => createInProcessGate({ service, ledger: deps.ledger, leaseId: runner.leaseId }, principal),
    mount(m: GatewayMount) {
      checkMountPrefix(m.prefix, mounted)
      checkMountDocs(m)
      mounted.push(m.prefix)
      Object.assign(mountedPaths, m.openapi)
      registerMount(app, m)
    },
    async close() {
      clearInterval(sweeper)
      hub.close()
      await runner.close()
    },
  })
}
