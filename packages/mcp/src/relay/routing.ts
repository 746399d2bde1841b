// Where each message goes. Client → server: requests are tracked so they can be answered if the server never does;
// tools/call (and an opted-in resources/read) go through the gate. Server → client: answers are matched to their
// request (initialize and tools/list results edited), progress is routed and shifted, and everything the server
// sends unasked is tied to the client request it most likely belongs to, for HTTP stream routing.
import {
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCErrorResponse,
  type JSONRPCNotification,
  type JSONRPCResultResponse,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js'
import { listContextOf, agentOf, toolOf } from '../gate/action-mapping.js'
import { outcomeOfAnswer } from '../gate/result-digest.js'
import { classify, clip, idKey, isErrorResponse, rpcError, RPC } from '../jsonrpc/messages.js'
import type { Pending, RelayContext } from './context.js'
import { governRequest } from './governed-call.js'
import { editInitializeRequest, editInitializeResult } from './initialize.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The parts of the relay routing needs beyond RelayContext. */
export interface RoutingRelay extends RelayContext {
  readonly progress: Map<string, Pending>
  readonly serverRequests: Map<string, RequestId | undefined>
  readonly own: Map<string, (answer: unknown) => void>
  readonly ownUp: Map<string, (answer: JSONRPCResultResponse | JSONRPCErrorResponse | undefined) => void>
  giveUp(p: Pending, detail: string, cancel?: JSONRPCNotification): void
}

function progressTokenOf(params: unknown): string | number | undefined {
  const t = isObj(params) && isObj(params._meta) ? params._meta.progressToken : undefined
  return typeof t === 'string' || typeof t === 'number' ? t : undefined
}

export async function onDownstream(r: RoutingRelay, raw: unknown): Promise<void> {
  const c = classify(raw)
  if (c.kind === 'invalid') {
    if (c.shape === 'response') return r.log(`the MCP client sent an invalid response: ${c.message}`)
    await r.down(rpcError(c.id, RPC.INVALID_REQUEST, c.message))
    return
  }
  if (c.kind === 'response') {
    const key = idKey(c.msg.id as RequestId)
    const mine = r.own.get(key)
    if (mine) {
      r.own.delete(key)
      return mine(c.msg)
    }
    r.serverRequests.delete(key)
    return forwardUp(r, c.msg)
  }
  if (c.kind === 'notification') {
    if (c.msg.method === 'notifications/cancelled') {
      const requestId = (c.msg.params as { requestId?: RequestId } | undefined)?.requestId
      const p = requestId === undefined ? undefined : r.pending.get(idKey(requestId))
      if (p) {
        const reason = (c.msg.params as { reason?: unknown }).reason
        return r.giveUp(p, `MCP client cancelled${typeof reason === 'string' ? `: ${clip(reason, 200)}` : ''}`, c.msg)
      }
    }
    // A governed method without an id is not a request Faramesh could decide, record or answer; passed on, it would
    // rely on the server to ignore it (servers that dispatch on `method` alone would run the call ungoverned).
    if (c.msg.method === 'tools/call' || (c.msg.method === 'resources/read' && r.o.server.governResources)) {
      return r.log(`the MCP client sent ${c.msg.method} as a notification (no id): dropped, it is not governed without one`)
    }
    // Without the roots capability the server has no roots to hear about (client_roots: false).
    if (c.msg.method === 'notifications/roots/list_changed' && !r.o.server.clientRoots) return
    return forwardUp(r, c.msg)
  }
  const msg = c.msg
  if (r.pending.has(idKey(msg.id))) {
    await r.down(rpcError(msg.id, RPC.INVALID_REQUEST, `Request id ${JSON.stringify(msg.id)} is already in use by a request in flight`), msg.id)
    return
  }
  if (msg.method === 'tools/call') return r.track(governRequest(r, msg, 'tool'))
  if (msg.method === 'resources/read' && r.o.server.governResources) return r.track(governRequest(r, msg, 'resource'))
  const out = msg.method === 'initialize' ? editInitializeRequest(msg, r.o.server.clientRoots, r.session) : msg
  const p: Pending = { id: msg.id, method: msg.method, progressToken: progressTokenOf(msg.params) }
  r.pending.set(idKey(msg.id), p)
  r.routeProgress(p)
  try {
    await r.up(out)
  } catch (e) {
    r.forget(p)
    const why = clip(r.redact(e instanceof Error ? e.message : String(e)), 300)
    await r.down(rpcError(msg.id, RPC.INTERNAL_ERROR, `upstream server '${r.o.server.name}' did not take the request: ${why}`), msg.id)
  }
}

async function forwardUp(r: RoutingRelay, msg: JSONRPCNotification | JSONRPCResultResponse | JSONRPCErrorResponse): Promise<void> {
  try {
    await r.up(msg)
  } catch (e) {
    r.log(`could not pass a message to the server: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** The one client request in flight, if exactly one is: where an HTTP downstream sends server messages. */
function soleRequest(r: RoutingRelay): RequestId | undefined {
  if (r.pending.size !== 1) return undefined
  return r.pending.values().next().value?.id
}

export async function onUpstream(r: RoutingRelay, raw: unknown): Promise<void> {
  const c = classify(raw)
  if (c.kind === 'invalid') {
    // The SDK's transports validate already; a transport that does not must not make us forward garbage.
    r.log(`upstream '${r.o.server.name}' sent an invalid message: ${c.message}`)
    const rawId = (raw as { id?: unknown } | null)?.id
    const p = c.shape === 'response' && (typeof rawId === 'string' || typeof rawId === 'number') ? r.pending.get(idKey(rawId)) : undefined
    if (p) {
      r.forget(p)
      if (p.call?.actionId) r.track(r.o.gate.report(p.call.actionId, { success: false, error: `outcome unknown: the server answered with an invalid message` }))
      await r.down(rpcError(p.id, RPC.INTERNAL_ERROR, `upstream server '${r.o.server.name}' answered with an invalid message: ${c.message}`), p.id)
    }
    return
  }
  if (c.kind === 'response') return onAnswer(r, c.msg)
  if (c.kind === 'request') {
    if (c.msg.method === 'roots/list' && !r.o.server.clientRoots) {
      // Enforced here, not left to the server's SDK: with client_roots: false a client's roots never reach the server.
      await forwardUp(r, rpcError(c.msg.id, RPC.METHOD_NOT_FOUND, `roots are not passed to server '${r.o.server.name}' (client_roots: false)`))
      return
    }
    const related = soleRequest(r)
    r.serverRequests.set(idKey(c.msg.id), related)
    if (!(await r.down(c.msg, related))) {
      r.serverRequests.delete(idKey(c.msg.id))
      await forwardUp(r, rpcError(c.msg.id, RPC.INTERNAL_ERROR, 'the MCP client could not be reached'))
    }
    return
  }
  const msg = c.msg
  if (msg.method === 'notifications/progress') {
    const params = msg.params as { progressToken?: string | number; progress: number; total?: number }
    const p = params.progressToken === undefined ? undefined : r.progress.get(idKey(params.progressToken))
    // The server was never sent a held call: progress "for" it is not the server's to give.
    if (p?.call && !p.call.forwarded) return r.log(`upstream '${r.o.server.name}' sent progress for a call it was never sent: dropped`)
    if (p?.call && p.call.line.ticked > 0) {
      const shifted = p.call.line.shift(params)
      if (!shifted) return
      await r.down({ ...msg, params: { ...params, ...shifted } }, p.id)
      return
    }
    await r.down(msg, p?.id ?? soleRequest(r))
    return
  }
  if (msg.method === 'notifications/cancelled') {
    const requestId = (msg.params as { requestId?: RequestId } | undefined)?.requestId
    const key = requestId === undefined ? undefined : idKey(requestId)
    const related = key === undefined ? undefined : r.serverRequests.get(key)
    if (key !== undefined) r.serverRequests.delete(key)
    await r.down(msg, related)
    return
  }
  // The tools changed: the catalog learns them again; the client refetches, and its list is filtered again.
  if (msg.method === 'notifications/tools/list_changed') r.catalog.stale()
  await r.down(msg, soleRequest(r))
}

async function onAnswer(r: RoutingRelay, msg: JSONRPCResultResponse | JSONRPCErrorResponse): Promise<void> {
  const key = idKey(msg.id as RequestId)
  const mine = r.ownUp.get(key)
  if (mine) return mine(msg)
  const p = r.pending.get(key)
  if (!p) {
    r.log(`upstream '${r.o.server.name}' answered request ${clip(key, 80)}, which nobody is waiting for: dropped`)
    return
  }
  if (p.call && !p.call.forwarded) {
    // An answer to a call Faramesh still holds (or refused) would tell the client it ran: the server never saw it.
    r.log(`upstream '${r.o.server.name}' answered request ${clip(key, 80)}, which it was never sent: dropped`)
    return
  }
  r.forget(p)
  const call = p.call
  const report = () => {
    if (!call?.actionId) return
    const answer = isErrorResponse(msg) ? { error: msg.error } : { result: msg.result as Obj }
    r.track(r.o.gate.report(call.actionId, outcomeOfAnswer(answer)))
  }
  if (call?.cancelled) return report()
  let out: JSONRPCResultResponse | JSONRPCErrorResponse = msg
  if (isErrorResponse(msg) && typeof msg.error.message === 'string') {
    // An upstream error text may echo the upstream's credential; the client gets it masked (README, FARAMESH_MCP_SERVERS).
    const message = r.redact(msg.error.message)
    if (message !== msg.error.message) out = { ...msg, error: { ...msg.error, message } }
  }
  if (!isErrorResponse(msg) && p.method === 'initialize') {
    const edited = editInitializeResult(msg.result)
    if (!edited.ok) {
      await r.down(rpcError(p.id, RPC.INVALID_PARAMS, 'Unsupported protocol version', { supported: [...SUPPORTED_PROTOCOL_VERSIONS], requested: edited.requested }), p.id)
      await r.o.upstream.close()
      return
    }
    r.session.protocolVersion = edited.version
    r.o.upstream.setProtocolVersion?.(edited.version)
    out = { ...msg, result: edited.result }
  } else if (!isErrorResponse(msg) && p.method === 'tools/list') {
    out = { ...msg, result: await listed(r, msg.result) }
  }
  await r.down(out, p.id)
  report()
}

async function listed(r: RoutingRelay, result: Obj): Promise<Obj> {
  r.catalog.learn(result)
  if (!r.o.server.hideDeniedTools) return result
  const who = agentOf(r.o.identity, r.session.clientName)
  const base = { agentId: who.agentId, source: who.source, server: r.o.server.name, protocolVersion: r.session.protocolVersion }
  try {
    return await r.catalog.hideDenied(result, (ops, annotations) =>
      r.o.gate.deniedOperations(who.agentId, toolOf(r.o.server.name), ops, listContextOf({ ...base, annotations })),
    )
  } catch (e) {
    // Hiding is a courtesy: every call is still gated, so a failed lookup shows the whole list.
    r.log(`could not ask Faramesh which tools to hide: ${e instanceof Error ? e.message : String(e)}`)
    return result
  }
}
