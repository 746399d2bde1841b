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
import type { GatewayExtension, GatewayExtensionFactory, GatewayExtensionHost } from './extensions.js'
import { createFastLane } from './fast-lane.js'
import { openGatewayFiles } from './gateway-files.js'
import { serveUi } from './static-ui.js'

const HELD_SWEEP_MS = 5000

export interface GatewayHandle {
  url: string
  port: number
  app: GatewayApp
  ledger: Ledger
  logger: Logger
  /** Settles when the executions of gateways that died were looked at; resolves with how many were failed. */
  recovered: Promise<number>
  /** Settles when the MCP calls held by gateways that died were looked at; resolves with how many were released. */
  releasedHolds: Promise<number>
  /** The extensions this gateway runs, in the order of StartOptions.extensions. */
  extensions: readonly GatewayExtension[]
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  /** Use this ledger instead of opening one from the config (tests, embedding). */
  ledger?: Ledger
  clock?: () => Date
  /** How often the running gateway looks for held MCP calls nobody will forward any more (default 5000 ms; tests). */
  heldSweepMs?: number
  /** The Postgres lease's heartbeat (default 10 s; tests): how soon a dropped lease connection takes its lock again. */
  leaseHeartbeatMs?: number
  /** Extensions to run (the MCP gateway): created after the ledger opens, closed before it closes (extensions.ts). */
  extensions?: GatewayExtensionFactory[]
}

/** Run the factories in order; if one throws, close those already made and rethrow its error. */
async function openExtensions(factories: readonly GatewayExtensionFactory[], host: GatewayExtensionHost, app: GatewayApp): Promise<GatewayExtension[]> {
  const made: GatewayExtension[] = []
  try {
    for (const f of factories) {
      const ext = await f(host)
      made.push(ext)
      for (const m of ext.mounts) app.mount(m)
    }
    return made
  } catch (err) {
    await closeExtensions(made, host.logger)
    throw err
  }
}

/** Close in reverse order; one that fails is logged and the others still close. */
async function closeExtensions(exts: readonly GatewayExtension[], logger: Logger): Promise<void> {
  for (const ext of [...exts].reverse()) {
    await ext.close().catch((err: unknown) => logger.error('gateway extension failed to close', { extension: ext.name, error: err instanceof Error ? err.message : String(err) }))
  }
}

async function openLedger(c: GatewayConfig, logger: Logger): Promise<Ledger> {
  const opts = {
    ...(c.signingKeyPath ? { signingKeyPath: c.signingKeyPath } : {}),
    checkpointEvery: c.checkpointEvery.events,
    checkpointIntervalMs: c.checkpointEvery.intervalMs,
  }
  if (c.dbBackend === 'sqlite') {
    mkdirSync(dirname(c.sqlitePath), { recursive: true })
    const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
    return openSqliteLedger(c.sqlitePath, opts)
  }
  // Loaded on demand so a SQLite gateway never loads the postgres driver.
  const { openPostgresLedger } = await import('@faramesh/ledger/postgres')
  if (!c.signingKeyPath) {
    logger.warn('no FARAMESH_SIGNING_KEY_FILE: checkpoints are signed with a key made for this process only, which verify-log will not trust', {
      hint: 'set FARAMESH_SIGNING_KEY_FILE (the same file on every gateway of this database)',
    })
  }
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
  // requestTimeout bounds how long a request may take to arrive (node's default, five minutes, let slow uploads hold
  // their buffers that long); node checks it every connectionsCheckingInterval and reports it as a clientError.
  const timeout = c.bodyTimeoutMs
  const server = createServer(
    { requestTimeout: timeout, headersTimeout: Math.min(60_000, timeout), connectionsCheckingInterval: Math.min(1000, Math.max(50, timeout / 10)) },
    (req, res) => {
      if (!fast(req, res)) void toApp(req, res)
    },
  )
  server.on('clientError', (err: Error, socket: Socket) => answerClientError(err, socket, app.metrics, { bodyTimeoutMs: timeout }))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(c.port, c.host, () => resolve({ server, port: (server.address() as AddressInfo).port }))
  })
}

export async function startGateway(config: GatewayConfig, opts: StartOptions = {}): Promise<GatewayHandle> {
  assertSafeBinding(config)
  const logger = opts.logger ?? createLogger({ level: config.logLevel })
  const metrics = createMetrics()
  // The files are checked before anything else opens or listens: a bad one stops the start with its error.
  const files = await openGatewayFiles(config, { logger, metrics })
  const { policy } = files
  const auth = createAuthenticator({ legacyToken: config.token, tokens: files.tokens })
  const closeFiles = (): void => files.close()
  let ledger: Ledger
  try {
    ledger = opts.ledger ?? (await openLedger(config, logger))
  } catch (err) {
    closeFiles()
    throw err
  }
  // A ledger handed in may live anywhere: then this process can vouch only for itself.
  let lease: InstanceLease
  try {
    lease = opts.ledger ? localLease() : await openLease(config, logger, opts.leaseHeartbeatMs !== undefined ? { heartbeatMs: opts.leaseHeartbeatMs } : {})
  } catch (err) {
    if (!opts.ledger) await ledger.close()
    closeFiles()
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
      openToNetwork: config.allowUnauthenticated,
    },
  })
  let listenUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`
  const host: GatewayExtensionHost = {
    config,
    logger,
    gateFor: (principal) => app.gateFor(principal),
    authenticate: (token) => auth.authenticate(token),
    get publicUrl() {
      return config.publicUrl ?? listenUrl
    },
  }
  let extensions: GatewayExtension[] = []
  try {
    // Mounted before the dashboard's catch-all below, so /mcp/… never falls through to it.
    extensions = await openExtensions(opts.extensions ?? [], host, app)
  } catch (err) {
    await app.close()
    await lease.close()
    if (!opts.ledger) await ledger.close()
    closeFiles()
    throw err
  }
  if (config.uiDir) app.use('*', serveUi(config.uiDir))
  else app.get('/', (c) => c.json({ name: 'faramesh', docs: '/openapi.json', playground: '/playground', health: '/health' }))

  // Seeded before listening, so the first request (and a client counting actions) already sees the demo data.
  if (config.demo) await seedDemo(ledger, app.service, logger).catch((err: unknown) => logger.warn('demo seed failed', { error: String(err) }))
  let server: Server
  let port: number
  try {
    ;({ server, port } = await listen(app, config))
  } catch (err) {
    await closeExtensions(extensions, logger)
    await app.close()
    await lease.close()
    if (!opts.ledger) await ledger.close()
    closeFiles()
    throw err
  }
  if (config.hotReload) policy.watch()
  // Off the start path: a store with many agent-run executions to look through must not delay listening.
  const recovered = app.runner.recoverOrphans().then(
    (n) => (n > 0 && logger.warn('failed executions of gateways that stopped while running them', { count: n }), n),
    (err: unknown) => (logger.warn('recovering executions of stopped gateways failed', { error: String(err) }), 0),
  )
  // Calls held by a gateway that died can never be forwarded: time them out so a late approval is refused.
  const releasedHolds = app.runner
    .releaseOrphanedHolds({ startGraceMs: config.mcpStartGraceMs })
    .then(
      (n) => (n > 0 && logger.warn('timed out MCP calls held by gateways that stopped', { count: n }), n),
      (err: unknown) => (logger.warn('releasing MCP calls of stopped gateways failed', { error: String(err) }), 0),
    )
    // Then, while this gateway runs: those of a gateway that dies now (others may keep running on the same Postgres),
    // and wrapper-held calls approved after their wrapper died.
    .finally(() => app.runner.watchHeldCalls({ intervalMs: opts.heldSweepMs ?? HELD_SWEEP_MS, startGraceMs: config.mcpStartGraceMs }))
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  listenUrl = url
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
    releasedHolds,
    extensions,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()))
        app.hub.close() // ends SSE streams so their connections can finish
        // Extensions end their sessions (MCP streams, held calls withdrawn) while the ledger is still open.
        await closeExtensions(extensions, logger)
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
        closeFiles()
        // Sign the head (executors' last outcomes included) so nothing written before shutdown is left unsigned; the
        // ledger's close tries again, quietly, so this is where a failure is heard.
        await ledger.checkpoint().then(
          (cp) => logger.info('ledger checkpoint signed', { seq: cp?.seq ?? 0 }),
          (err: unknown) => logger.error('final ledger checkpoint failed', { error: err instanceof Error ? err.message : String(err) }),
        )
        if (!opts.ledger) await ledger.close()
        logger.info('faramesh gateway stopped')
      })()
      return closing
    },
  }
}

/**
 * Signals that arrive this soon after the first are the same request to stop, not an impatient second one: a
 * terminal sends Ctrl-C's SIGINT to the whole foreground process group, and the process manager in it (pnpm, npm,
 * a shell) forwards its own copy to us as well; pnpm 12 even turns a second SIGINT it receives into a SIGTERM for
 * its child. Measured under `pnpm start` (apps/server/test/pnpm-start.test.ts): two or three signals within ~10 ms.
 */
const REPEATED_SIGNAL_WINDOW_MS = 1000

/**
 * SIGTERM/SIGINT → graceful close, then exit 0; the copies of that signal relayed within REPEATED_SIGNAL_WINDOW_MS
 * are part of the same stop. A signal after that window means "stop now": exit 1 without waiting for the drain.
 *
 * Pass the promise of a gateway that is still starting (with the logger it uses) to have the handlers in place
 * from the first moment: a stop that arrives before the gateway listens (Ctrl-C while it waits for Postgres, or
 * in the instant between its "listening" line and the handle reaching the caller) exits 0 at once instead of
 * meeting Node's default, death by signal, which pnpm reports as a failed command. Exiting there is as safe as
 * any crash: nothing was acknowledged yet, and the ledger's writes are atomic.
 *
 * Also logs (rather than dies on) a stray promise rejection: a gateway that loses its database should answer 503,
 * not vanish.
 */
export function closeOnSignals(handle: GatewayHandle): void
export function closeOnSignals(starting: Promise<GatewayHandle>, logger: Logger): void
export function closeOnSignals(gateway: GatewayHandle | Promise<GatewayHandle>, logger?: Logger): void {
  let handle = gateway instanceof Promise ? null : gateway
  const log = logger ?? handle!.logger
  // A failed start is the caller's to report (it awaits the same promise).
  if (gateway instanceof Promise) gateway.then((h) => (handle = h), () => {})
  process.on('unhandledRejection', (reason) => {
    log.error('unhandled rejection', { error: reason instanceof Error ? reason.stack : String(reason) })
  })
  let firstAt: number | null = null
  const onSignal = (sig: NodeJS.Signals): void => {
    if (firstAt !== null) {
      if (Date.now() - firstAt < REPEATED_SIGNAL_WINDOW_MS) return
      log.warn('second signal: exiting without waiting for the drain', { signal: sig })
      process.exit(1)
    }
    firstAt = Date.now()
    if (!handle) {
      log.info('shutting down before the gateway finished starting', { signal: sig })
      process.exit(0)
    }
    log.info('shutting down', { signal: sig })
    handle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { error: String(err) })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
