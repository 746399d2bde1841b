// @faramesh/server: the gateway as a Hono app; decide() and the version constants are re-exported from @faramesh/decision.
export { createApp, type AppDeps, type GatewayApp } from './app.js'
export { defaultAppConfig, type AppConfig, type GatewayEnv } from './app-env.js'
export { decide, normalizeRequest, type DecideDeps, type NormalizedRequest } from '@faramesh/decision'
export { staticPolicySource, type PolicySource, type PolicySnapshot, type ReloadResult } from './policy-source.js'
export { ApiError, isApiError, STATUS_BY_CODE, type ApiErrorCode, type FieldIssue } from './errors.js'
export {
  createAuthenticator,
  bearerToken,
  can,
  requirePermission,
  ANONYMOUS,
  indexTokens,
  staticTokenSource,
  type ActiveToken,
  type Authenticator,
  type AuthOptions,
  type Permission,
  type Principal,
  type TokenSource,
} from './auth.js'
export { agentIdOfToken, hashToken, parseTokensFile, rfc3339Millis, serializeTokensFile, RESERVED_NAMES, type TokenEntry, type TokensFile } from './tokens-file.js'
export { ROLES } from './roles.js'
export { createMetrics, type Metrics } from './metrics.js'
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger.js'
export { createShellExecutor, type ShellExecutorOptions } from './executors/shell.js'
export { commandEnv, EXEC_BASE_ENV } from './executors/exec-env.js'
export { localLease, type InstanceLease } from './executors/lease.js'
export { GATEWAY_STOPPED } from './executors/orphans.js'
export { HOLDER_STOPPED, HOLDER_GONE_NOT_RUN } from './executors/held-orphans.js'
export { createInProcessGate, MCP_EXECUTOR, type InProcessGate, type InProcessGateDeps, type InProcessOutcome } from './in-process-gate.js'
export { type GatewayMount, type MountEnv } from './mounts.js'
export type { Executor, ExecOutcome, ExecContext } from './executors/types.js'
export { renderApiAction, toApiAction, toStreamFrame } from './action-view.js'
export { parseStrictJson } from './strict-json.js'
export { buildOpenApi } from './openapi.js'
export { SERVER_VERSION, RUNTIME_VERSION } from '@faramesh/decision'
