// MCP calls (@faramesh/mcp) as the dashboard shows them: an action whose tool is `mcp:<server>` and whose context
// carries `mcp` ({server, annotations, protocol_version, agent_source}). The annotations are the MCP server's own,
// untrusted hints; the page shows them as data, never as a verdict.
import type { Action } from '@faramesh/policy-core'

export type AgentSource = 'token' | 'flag' | 'client_info'

export interface McpView {
  server: string
  /** The MCP tool's name (the action's operation). */
  tool: string
  arguments: Record<string, unknown>
  /** null when the server listed none for this tool (every hint then counts as risky). */
  annotations: Record<string, unknown> | null
  protocolVersion: string | null
  agentSource: AgentSource | null
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const SOURCES: readonly AgentSource[] = ['token', 'flag', 'client_info']

/** The MCP view of an action, or null when it is not an MCP call. */
export function mcpOf(action: Pick<Action, 'tool' | 'operation' | 'params' | 'context'>): McpView | null {
  if (!action.tool.startsWith('mcp:')) return null
  const m = action.context?.mcp
  if (!isMap(m)) return null
  const source = SOURCES.find((s) => s === m.agent_source) ?? null
  return {
    server: typeof m.server === 'string' && m.server !== '' ? m.server : action.tool.slice(4),
    tool: action.operation,
    arguments: action.params ?? {},
    annotations: isMap(m.annotations) ? m.annotations : null,
    protocolVersion: typeof m.protocol_version === 'string' ? m.protocol_version : null,
    agentSource: source,
  }
}

/** Where the action's agent id came from, in words. */
export function agentSourceLabel(source: AgentSource | null): string {
  switch (source) {
    case 'token':
      return "the agent's Faramesh token"
    case 'flag':
      return 'the wrapper (--agent or FARAMESH_AGENT_ID)'
    case 'client_info':
      return "the MCP client's clientInfo.name (not verified)"
    default:
      return 'not recorded'
  }
}

/** The annotations as `name: value` lines, in a stable order. */
export function annotationEntries(annotations: Record<string, unknown> | null): [string, string][] {
  if (!annotations) return []
  return Object.keys(annotations)
    .sort()
    .map((k) => [k, JSON.stringify(annotations[k]) ?? String(annotations[k])])
}
