// The HTTP answers the MCP endpoint gives before a message reaches a session: a JSON-RPC error object without an id
// (the request could not be read, or is refused as a whole), as the SDK's transport answers its own refusals, so an
// MCP client shows the message instead of a bare status.

export const RPC_PARSE_ERROR = -32700
export const RPC_INVALID_REQUEST = -32600
/** The SDK's code for transport-level refusals (no session id, wrong Accept, server busy). */
export const RPC_SERVER_ERROR = -32000
/** The SDK's code for "Session not found" (404): the client must initialize again. */
export const RPC_SESSION_NOT_FOUND = -32001

export function rpcErrorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}
