// @faramesh/mcp: govern any MCP server's tool calls (README.md).
export type * from './types.js'
