// Node-only entry points: configuration from env/.env, starting the gateway, policy files, the dashboard.
export { loadConfig, assertSafeBinding, isLoopback, parseDuration, type GatewayConfig } from './config.js'
export { findWorkspaceRoot } from './config-env.js'
export { startGateway, closeOnSignals, type GatewayHandle, type StartOptions } from './start-gateway.js'
export type {
  GatewayExtension,
  GatewayExtensionFactory,
  GatewayExtensionHost,
  GatewayMount,
  InProcessGate,
  InProcessOutcome,
  MountEnv,
} from './extensions.js'
export type { Principal, Permission } from '../auth.js'
export { openFilePolicySource, describePolicyError, type FilePolicySource, type FilePolicyOptions } from './policy-files.js'
export { openGatewayFiles, type GatewayFiles } from './gateway-files.js'
export { openTokensSource, tokenSourceFromFile, type TokensSourceOptions, type WatchedTokenSource } from './tokens-source.js'
export { serveUi } from './static-ui.js'
export { seedDemo } from './demo-seed.js'
export { openLease } from '../executors/lease.js'
