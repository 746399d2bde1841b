// startGateway(config): build deps from config, listen, hot-reload, seed the demo, serve the dashboard, and shut
// down gracefully (stop accepting, end streams, drain, finish executors, close the ledger).
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Ledger } from '@faramesh/ledger'
import { createApp, type GatewayApp } from '../app.js'
import { createAuthenticator } from '../auth.js'
import { localLease, openLease, type InstanceLease } from '../executors/lease.js'
import { createShellExecutor } from '../executors/shell.js'
import { createLogger, type Logger } from '../logger.js'
import { createMetrics } from '../metrics.js'
import { answerClientError } from './client-error.js'
import { assertSafeBinding, type GatewayConfig } from './config.js'
import { seedDemo } from './demo-seed.js'
import { createFastLane } from './fast-lane.js'
import { openFilePolicySource } from './policy-files.js'
import { serveUi } from './static-ui.js'

export interface GatewayHandle {
  url: string
  port: number
  app: GatewayApp
  ledger: Ledger
  logger: Logger
  /** Settles when the executions of gateways that died were looked at; resolves with how many were failed. */
  recovered: Promise<number>
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  /** Use this ledger instead of opening one from the config (tests, embedding). */
  ledger?: Ledger
  clock?: () => Date
}

async function openLedger(c: GatewayConfig, logger: Logger): Promise<Ledger> {
  const opts = c.signingKeyPath ? { signingKeyPath: c.signingKeyPath } : {}
  if (c.dbBackend === 'sqlite') {
    mkdirSync(dirname(c.sqlitePath), { recursive: true })
    const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
    return openSqliteLedger(c.sqlitePath, opts)
  }
  // Loaded on demand so a SQLite gateway never loads the postgres driver.
  const { openPostgresLedger } = await import('@faramesh/ledger/postgres')
  // Compose may start us before Postgres accepts connections: retry for a while before giving up.
  const deadline = Date.now() + 30_000
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPostgresLedger(c.postgresDsn!, opts)
    } catch (err) {
      // Only "cannot reach the database" is worth waiting out; a bad signing key or a too-new schema fails at once.
      if ((err as { code?: string }).code !== 'STORE_UNAVAILABLE' || Date.now() > deadline) throw err
      logger.warn('postgres not reachable yet, retrying', { attempt, error: err instanceof Error ? err.message : String(err) })
      await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 3000)))
    }
  }
}

function listen(app: GatewayApp, c: GatewayConfig): Promise<{ server: Server; port: number }> {
  const toApp = getRequestListener(app.fetch)
  const fast = createFastLane(app)
  const server = createServer((req, res) => {
    if (!fast(req, res)) void toApp(req, res)
  })
  server.on('clientError', (err: Error, socket: Socket) => answerClientError(err, socket, app.metrics))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(c.port, c.host, () => resolve({ server, port: (server.address() as AddressInfo).port }))
  })
}

export async function startGateway(config: GatewayConfig, opts: StartOptions = {}): Promise<GatewayHandle> {
  assertSafeBinding(config)
  const logger = opts.logger ?? createLogger({ level: config.logLevel })
  const metrics = createMetrics()
  const policy = await openFilePolicySource({ ...config, logger, metrics })
  const auth = createAuthenticator({ legacyToken: config.token, tokensFile: config.tokensFile })
  const ledger = opts.ledger ?? (await openLedger(config, logger))
  // A ledger handed in may live anywhere: then this process can vouch only for itself.
  let lease: InstanceLease
  try {
    lease = opts.ledger ? localLease() : await openLease(config, logger)
  } catch (err) {
    if (!opts.ledger) await ledger.close()
    policy.close()
    throw err
  }
  const app = createApp({
    ledger,
    policy,
    logger,
    metrics,
    auth,
    lease,
    executors: [createShellExecutor({ env: config.executorEnv, wrapper: config.executorWrapper })],
    ...(opts.clock ? { clock: opts.clock } : {}),
    config: {
      approvalTtlMs: config.approvalTtlMs,
      actionTimeoutSec: config.actionTimeoutSec,
      executors: config.executors,
      enableCors: config.enableCors,
      corsOrigins: config.corsOrigins,
      sseHeartbeatMs: config.sseHeartbeatMs,
      uiDir: config.uiDir,
      demo: config.demo,
    },
  })
  if (config.uiDir) app.use('*', serveUi(config.uiDir))
  else app.get('/', (c) => c.json({ name: 'faramesh', docs: '/openapi.json', playground: '/playground', health: '/health' }))

  // Seeded before listening, so the first request (and a client counting actions) already sees the demo data.
  if (config.demo) {
    const n = await seedDemo(ledger, app.service).catch((err: unknown) => (logger.warn('demo seed failed', { error: String(err) }), 0))
    if (n > 0) logger.info('seeded demo actions', { count: n })
  }
  let server: Server
  let port: number
  try {
    ;({ server, port } = await listen(app, config))
  } catch (err) {
    await app.close()
    await lease.close()
    if (!opts.ledger) await ledger.close()
    policy.close()
    throw err
  }
  if (config.hotReload) policy.watch()
  // Off the start path: a store with many agent-run executions to look through must not delay listening.
  const recovered = app.runner.recoverOrphans().then(
    (n) => (n > 0 && logger.warn('failed executions of gateways that stopped while running them', { count: n }), n),
    (err: unknown) => (logger.warn('recovering executions of stopped gateways failed', { error: String(err) }), 0),
  )
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  logger.info('faramesh gateway listening', {
    url,
    store: config.dbBackend === 'sqlite' ? config.sqlitePath : 'postgres',
    policy: config.policyPath,
    auth: auth.enabled ? 'on' : 'off',
    ui: config.uiDir,
  })

  let closing: Promise<void> | null = null
  return {
    url,
    port,
    app,
    ledger,
    logger,
    recovered,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()))
        app.hub.close() // ends SSE streams so their connections can finish
        // Connections become idle as their last response ends (streams included): keep closing idle ones, and
        // cut whatever is left after the drain period.
        const idle = setInterval(() => server.closeIdleConnections(), 50)
        server.closeIdleConnections()
        const force = setTimeout(() => server.closeAllConnections(), 5000)
        await stopped
        clearInterval(idle)
        clearTimeout(force)
        await app.close()
        await lease.close()
        policy.close()
        if (!opts.ledger) await ledger.close()
        logger.info('faramesh gateway stopped')
      })()
      return closing
    },
  }
}

/**
 * SIGTERM/SIGINT → graceful close, then exit; a second signal exits at once. Also logs (rather than dies on) a
 * stray promise rejection: a gateway that loses its database should answer 503, not vanish.
 */
export function closeOnSignals(handle: GatewayHandle): void {
  process.on('unhandledRejection', (reason) => {
    handle.logger.error('unhandled rejection', { error: reason instanceof Error ? reason.stack : String(reason) })
  })
  let seen = false
  const onSignal = (sig: NodeJS.Signals): void => {
    if (seen) process.exit(1)
    seen = true
    handle.logger.info('shutting down', { signal: sig })
    handle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        handle.logger.error('shutdown failed', { error: String(err) })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
