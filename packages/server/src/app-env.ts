// What every route module receives: the Hono env type and the shared, already-built services.
import type { Ledger } from '@faramesh/ledger'
import type { ActionsService } from './actions-service.js'
import type { Authenticator, Principal } from './auth.js'
import type { ExecutorRunner } from './executors/runner.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import type { PolicySource } from './policy-source.js'
import type { SseHub } from './sse-hub.js'

/** `credential`: the bearer token the principal was resolved from (a long-lived stream checks it again). */
export type GatewayEnv = { Variables: { principal: Principal; credential: string | undefined } }

export interface AppConfig {
  /** How long an approval token is valid (FARAMESH_APPROVAL_TTL). */
  approvalTtlMs: number
  /** FARAMESH_ACTION_TIMEOUT, seconds. */
  actionTimeoutSec: number
  /** Enabled executors (FARAMESH_EXECUTORS); empty disables all. */
  executors: string[]
  enableCors: boolean
  corsOrigins: string[]
  sseHeartbeatMs: number
  /** Events (and bytes of frames) an SSE client may fall behind while its socket takes nothing; then it is dropped. */
  sseMaxQueue: number
  sseMaxBytes: number
  /** Directory of the dashboard's built files; served at / when set. */
  uiDir: string | null
  demo: boolean
  /**
   * FARAMESH_ALLOW_UNAUTHENTICATED: open mode on a network address on purpose, so a request's Host may be any name.
   * Without it, open mode answers protected routes only for loopback Host names (cross-site.ts).
   */
  openToNetwork: boolean
}

export const defaultAppConfig: AppConfig = {
  approvalTtlMs: 24 * 3600 * 1000,
  actionTimeoutSec: 300,
  executors: ['shell'],
  enableCors: true,
  corsOrigins: ['*'],
  sseHeartbeatMs: 15_000,
  sseMaxQueue: 4000,
  sseMaxBytes: 8 * 1024 * 1024,
  uiDir: null,
  demo: false,
  openToNetwork: false,
}

export interface RouteDeps {
  ledger: Ledger
  policy: PolicySource
  service: ActionsService
  auth: Authenticator
  metrics: Metrics
  logger: Logger
  hub: SseHub
  runner: ExecutorRunner
  config: AppConfig
  clock: () => Date
  /** OpenAPI path items of the mounts made so far (mounts.ts), for /openapi.json. */
  mountedPaths: Record<string, unknown>
}
