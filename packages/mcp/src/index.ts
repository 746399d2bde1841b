// @faramesh/mcp: govern any MCP server's tool calls (README.md).
export type * from './types.js'

// transports (H3)
export * from './transports/index.js'
