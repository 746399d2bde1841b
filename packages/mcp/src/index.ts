// @faramesh/mcp: govern any MCP server's tool calls (README.md).
export type * from './types.js'

// transports (H3)
export * from './transports/index.js'

// config: FARAMESH_MCP_SERVERS (H4)
export { loadMcpServers, parseMcpServers, type LoadServersOptions, type McpServers, type ServerSummary } from './config/servers-file.js'
export { createRedactor, REDACTED, type Redactor } from './config/secrets.js'
