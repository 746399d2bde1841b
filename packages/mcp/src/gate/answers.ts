// What a client sees when Faramesh did not run its call. Every text says that Faramesh decided, that the tool was
// not run, the action id and what to do next, so nobody mistakes it for the server's "tool not found"
// (stacklok/toolhive #5827). `_meta["faramesh/action"]` carries the same facts for programs.
import type { CallToolResult, JSONRPCErrorResponse, RequestId } from '@modelcontextprotocol/sdk/types.js'
import { clip, rpcError, RPC } from '../jsonrpc/messages.js'

export type RefusalKind = 'denied' | 'expired' | 'unavailable' | 'closed' | 'changed'

export interface Refusal {
  kind: RefusalKind
  server: string
  /** The MCP tool's name, or "resources/read". */
  operation: string
  actionId: string | null
  status: string | null
  reason: string | null
  reasonCode: string | null
  /** Who decided, when a person did (the denied event's `by`). */
  by?: string | null
}

const what = (r: Refusal) => (r.operation === 'resources/read' ? `resources/read on MCP server "${r.server}"` : `tool "${r.operation}" on MCP server "${r.server}"`)
const idText = (r: Refusal) => (r.actionId ? ` Faramesh action: ${r.actionId}.` : '')

export function refusalText(r: Refusal): string {
  const why = r.reason ? clip(r.reason, 512) : 'no reason given'
  switch (r.kind) {
    case 'denied':
      return (
        `Faramesh denied this call: ${what(r)} was not run.${r.by ? ` Denied by ${clip(r.by, 128)}.` : ''} Reason: ${why}.${idText(r)}` +
        ` To ask for an exception, give the action id to a Faramesh admin, who can review it (\`faramesh get ${r.actionId ?? '<id>'}\`, ` +
        `\`faramesh explain\`) and change the policy for tool "mcp:${r.server}", operation "${r.operation}".`
      )
    case 'expired':
      return `Faramesh: nobody approved this call in time, so ${what(r)} was not run.${idText(r)} Call it again to ask again.`
    case 'unavailable':
      return `Faramesh could not decide on this call (${why}), so ${what(r)} was not run: Faramesh fails closed. Try again when the Faramesh gateway is reachable.`
    case 'closed':
      return `Faramesh: the approval of this call was withdrawn or expired before it could start, so ${what(r)} was not run.${idText(r)}`
    case 'changed':
      return `Faramesh: this call no longer matches what was decided (request_hash mismatch), so ${what(r)} was not run.${idText(r)}`
  }
}

function meta(r: Refusal) {
  return { 'faramesh/action': { id: r.actionId, status: r.status, refusal: r.kind, reason_code: r.reasonCode } }
}

/** A tools/call answer: a tool error the model can read, never a protocol error. */
export function toolRefusal(r: Refusal): CallToolResult {
  return { content: [{ type: 'text', text: refusalText(r) }], isError: true, _meta: meta(r) }
}

/** A governed resources/read answer: JSON-RPC -32010 (a read has no isError form). */
export function rpcRefusal(id: RequestId, r: Refusal): JSONRPCErrorResponse {
  return rpcError(id, RPC.GATE_REFUSED, refusalText(r), { action_id: r.actionId, reason: r.reason, reason_code: r.reasonCode, refusal: r.kind })
}

/** The progress message while a call waits for a person. */
export const holdMessage = (actionId: string): string => `Waiting for approval of action ${actionId} in Faramesh`

/** The URL elicitation's message: informational, and it says so. */
export const elicitMessage = (r: { server: string; operation: string; actionId: string }): string =>
  `Faramesh holds ${what({ ...r, kind: 'denied', status: null, reason: null, reasonCode: null })} until a person decides on action ${r.actionId}. ` +
  `Opening this page does not approve it.`
