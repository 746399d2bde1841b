// One MCP call as a Faramesh action (design §3): tool `mcp:<server>`, operation = the MCP tool's name, params = its
// arguments, context.mcp = McpContext. `mcp:` keeps every executor (e.g. the built-in `shell`) from claiming an MCP
// call at /start, and lets policies and filters address one server.
import type { ActionRequest } from '@faramesh/policy-core'
import type { AgentSource, McpContext, RelayIdentity } from '../types.js'

/** The operation an opted-in resources/read is recorded as (a tool name never contains '/'). */
export const RESOURCES_READ = 'resources/read'

export const toolOf = (server: string): string => `mcp:${server}`

/** Used when a client calls a tool before initialize told us its name (the upstream will refuse the call anyway). */
export const UNKNOWN_CLIENT = 'unknown-mcp-client'

/** Which agent: the token's or the operator's (--agent) when given, else the MCP client's clientInfo.name. */
export function agentOf(identity: RelayIdentity, clientName: string | undefined): { agentId: string; source: AgentSource } {
  if (identity.agentId) return { agentId: identity.agentId, source: identity.source }
  const name = clientName?.trim()
  return { agentId: name ? name.slice(0, 256) : UNKNOWN_CLIENT, source: 'client_info' }
}

export interface CallSpec {
  agentId: string
  source: AgentSource
  server: string
  operation: string
  params: Record<string, unknown>
  annotations: Record<string, unknown> | null
  protocolVersion: string | null
}

export function actionRequestOf(c: CallSpec): ActionRequest {
  const mcp: McpContext = { server: c.server, annotations: c.annotations, protocol_version: c.protocolVersion, agent_source: c.source }
  return { agent_id: c.agentId, tool: toolOf(c.server), operation: c.operation, params: c.params, context: { mcp } }
}

/** The context deniedOperations decides on: the same as a call's, for tools sharing these annotations. */
export function listContextOf(c: Omit<CallSpec, 'operation' | 'params'>): Record<string, unknown> {
  const mcp: McpContext = { server: c.server, annotations: c.annotations, protocol_version: c.protocolVersion, agent_source: c.source }
  return { mcp }
}
