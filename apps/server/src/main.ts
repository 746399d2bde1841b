// The gateway process: read config (env, .env), start, shut down on SIGTERM/SIGINT. Nothing else lives here.
// The Node.js check comes first, and the gateway is imported only after it: on an older Node the SQLite binding
// would crash the process without a word (static imports are evaluated before any code of this file runs).
import { exitIfUnsupportedNode } from '@faramesh/server/node-version'

exitIfUnsupportedNode('Run `pnpm start` in the repository (pnpm runs it on the Node.js the repository installs).')
const { createLogger } = await import('@faramesh/server')
const { closeOnSignals, loadConfig, startGateway } = await import('@faramesh/server/node')

// pnpm sets INIT_CWD to where it was invoked, so `pnpm start` at the repo root resolves paths from there.
const cwd = process.env.INIT_CWD ?? process.cwd()

try {
  const config = loadConfig(process.env, cwd)
  const logger = createLogger({ level: config.logLevel })
  // The MCP gateway (/mcp/<name>) is loaded only when FARAMESH_MCP_SERVERS is set: without it the gateway starts
  // exactly as before, without the MCP SDK. It reads the same variables as the config (environment over .env).
  const extensions = []
  if (config.mcpServersPath) {
    const { mcpGateway } = await import('@faramesh/mcp/gateway')
    const { readConfigEnv } = await import('@faramesh/server/config')
    extensions.push(mcpGateway({ env: readConfigEnv(process.env, cwd).vars }))
  }
  const starting = startGateway(config, { logger, extensions })
  // Before the first await: a Ctrl-C or SIGTERM while the gateway starts is a clean stop too, never a death by signal.
  closeOnSignals(starting, logger)
  await starting
} catch (err) {
  const e = err as { message?: string; code?: string }
  process.stderr.write(`faramesh: cannot start: ${e.message ?? String(err)}\n`)
  process.exit(1)
}
