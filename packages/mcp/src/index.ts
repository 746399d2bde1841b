// @faramesh/mcp: govern any MCP server's tool calls (README.md).
export type * from './types.js'

// relay (H1): the message-level relay, the call gate, and the GatePort over @faramesh/sdk
export { createRelay } from './relay/relay.js'
export { sdkGate, type SdkGateOptions } from './gate/sdk-gate.js'
export { gateCall, type GateCallOptions, type Verdict } from './gate/call-gate.js'
export { actionRequestOf, agentOf, toolOf, RESOURCES_READ, type CallSpec } from './gate/action-mapping.js'
export { refusalText, toolRefusal, rpcRefusal, type Refusal, type RefusalKind } from './gate/answers.js'
export { digestResult, outcomeOfAnswer, type ResultDigest } from './gate/result-digest.js'
export { McpGateError, MCP_ERROR_CODES, type McpErrorCode } from './errors.js'
export { classify, rpcError, RPC, type Classified } from './jsonrpc/messages.js'
export { governTools, type GovernToolsOptions } from './in-process/govern-tools.js'

// transports (H3)
export * from './transports/index.js'

// wrap (H3): `faramesh mcp wrap` as a library
export * from './wrap/index.js'

// config: FARAMESH_MCP_SERVERS (H4)
export { loadMcpServers, parseMcpServers, type LoadServersOptions, type McpServers, type ServerSummary } from './config/servers-file.js'
export { createRedactor, REDACTED, type Redactor } from './config/secrets.js'
