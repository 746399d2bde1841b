// Who an MCP session is for. Bound to the credential that created it, and acting for the agent that credential names
// (a scoped agent token) or, for callers bound to no agent (admin, the single token, open loopback mode), for the MCP
// client's clientInfo.name. Never anything a request header says.
import { createHash } from 'node:crypto'
import type { McpPrincipal, RelayIdentity } from '../types.js'

/** Who a session belongs to: the credential (hashed), so another token, even for the same agent, cannot use it. */
export const ownerOf = (p: McpPrincipal, credential: string | undefined): string =>
  `${p.kind}:${createHash('sha256')
    .update(`${p.name}\0${credential ?? ''}`)
    .digest('hex')}`

/** The agent a session acts for: a scoped agent token's agent; otherwise the MCP client's clientInfo.name. */
export function identityOf(p: McpPrincipal): RelayIdentity {
  return p.kind === 'scoped' && p.role === 'agent' && p.agentId
    ? { agentId: p.agentId, source: 'token' }
    : { source: 'client_info' }
}

export const samePrincipal = (a: McpPrincipal, b: McpPrincipal): boolean =>
  a.name === b.name && a.role === b.role && a.kind === b.kind && a.agentId === b.agentId
