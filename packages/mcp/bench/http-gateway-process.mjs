// The gateway for the HTTP benchmark, in its own process (as in production: clients elsewhere): startGateway with the
// mcpGateway extension on SQLite in the folder given as argv[2], port 0. Prints its URL on stdout, stops on SIGTERM.
import { join } from 'node:path'

const dir = process.argv[2]
const { silentLogger } = await import('@faramesh/server')
const { readConfigEnv } = await import('@faramesh/server/config')
const { loadConfig, startGateway } = await import('@faramesh/server/node')
const { mcpGateway } = await import(new URL('../dist/gateway.js', import.meta.url).href)

const vars = {
  FARAMESH_PORT: '0',
  FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'),
  FARAMESH_MCP_SERVERS: 'mcp-servers.yaml',
  FARAMESH_MCP_MAX_SESSIONS_PER_TOKEN: '64',
  FARAMESH_LOG_LEVEL: 'silent',
}
const gw = await startGateway(loadConfig(vars, dir), {
  logger: silentLogger,
  extensions: [mcpGateway({ env: readConfigEnv(vars, dir).vars })],
})
process.stdout.write(`${gw.url}\n`)
process.on('SIGTERM', () => void gw.close().then(() => process.exit(0)))
