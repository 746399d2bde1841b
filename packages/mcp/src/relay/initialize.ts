// initialize runs end to end, so client and server negotiate the version themselves; the relay only watches, keeps
// the version within what it understands, and edits two capabilities (design §5):
// - the server's tasks.requests.tools goes: governed calls run synchronously (a task would escape the hold);
// - the client's roots go when the server entry says so: a remote agent answering roots/list with file:/// would
//   widen what a filesystem server may touch.
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

export interface ClientSession {
  clientName?: string
  clientCapabilities: Obj
  /** Negotiated version, once the server answered initialize. */
  protocolVersion: string | null
}

/** The initialize request as forwarded: version clamped, roots dropped when not allowed. Records what it saw. */
export function editInitializeRequest(msg: JSONRPCRequest, clientRoots: boolean, session: ClientSession): JSONRPCRequest {
  const params: Obj = isObj(msg.params) ? { ...msg.params } : {}
  const info = params.clientInfo
  if (isObj(info) && typeof info.name === 'string') session.clientName = info.name
  const caps: Obj = isObj(params.capabilities) ? { ...params.capabilities } : {}
  if (!clientRoots) delete caps.roots
  session.clientCapabilities = caps
  if (isObj(params.capabilities)) params.capabilities = caps
  // A version we do not know becomes the latest we do: that is what ordinary negotiation would make of it.
  if (typeof params.protocolVersion !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(params.protocolVersion)) {
    params.protocolVersion = LATEST_PROTOCOL_VERSION
  }
  return { ...msg, params }
}

export type InitializeAnswer = { ok: true; result: Obj; version: string } | { ok: false; requested: unknown }

/** The server's initialize result as relayed, or a refusal when it picked a version the relay does not speak. */
export function editInitializeResult(result: Obj): InitializeAnswer {
  const v = result.protocolVersion
  if (typeof v !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(v)) return { ok: false, requested: v }
  const out: Obj = { ...result }
  const caps = out.capabilities
  if (isObj(caps) && isObj(caps.tasks) && isObj(caps.tasks.requests) && 'tools' in caps.tasks.requests) {
    const { tools: _tools, ...requests } = caps.tasks.requests
    out.capabilities = { ...caps, tasks: { ...caps.tasks, requests } }
  }
  return { ok: true, result: out, version: v }
}

/** Whether the client can take a URL-mode elicitation (capability elicitation.url, revision 2025-11-25 or later). */
export function canElicitUrl(session: ClientSession): boolean {
  const e = session.clientCapabilities.elicitation
  return isObj(e) && isObj(e.url) && session.protocolVersion !== null && session.protocolVersion >= '2025-11-25'
}
