// @faramesh/server/config: the gateway's configuration resolver without the gateway. `faramesh serve` and the
// CLI's other commands read the environment, .env files and paths through the same code, so they agree on every
// value and file; loading this loads no routes, ledger or HTTP server.
export { loadConfig, assertSafeBinding, isLoopback, hostOf, portOf, tokenOf, type GatewayConfig } from './node/config.js'
export {
  findWorkspaceRoot,
  lookup,
  parseDotEnv,
  policyFileOf,
  profilePathOf,
  readConfigEnv,
  tokensFileOf,
  type ConfigEnv,
  type ReadConfigOptions,
  type EnvLookup,
} from './node/config-env.js'
