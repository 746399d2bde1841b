// A new MCP session: the SDK's server transport (its id assigned on initialize), the upstream opened for this
// session alone, and the Relay between them acting as the caller. Admitted against the limits before anything is
// spawned; registered once the transport has assigned the id; closed (held calls withdrawn) when either side ends.
import { randomUUID } from 'node:crypto'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { McpPrincipal, Relay, ServerEntry } from '../types.js'
import { identityOf } from './identity.js'
import type { McpRoutesOptions } from './mcp-routes.js'
import { RPC_SERVER_ERROR, rpcErrorResponse } from './rpc-response.js'
import { SessionActivity, type SessionRecord, type SessionRegistry } from './session-registry.js'

export interface Session extends SessionRecord {
  activity: SessionActivity
  transport: WebStandardStreamableHTTPServerTransport
  relay: Relay
  credential: string | undefined
  principal: McpPrincipal
}

/** What starting a session needs from the routes. */
export interface SessionKit {
  o: McpRoutesOptions
  sessions: SessionRegistry
  byId: Map<string, Session>
  log: (line: string) => void
  closeSession: (s: Session, reason: string) => Promise<void>
}

export async function startSession(
  k: SessionKit,
  req: Request,
  entry: ServerEntry,
  principal: McpPrincipal,
  credential: string | undefined,
  owner: string,
  body: unknown,
): Promise<Response> {
  const { o, sessions, byId, log, closeSession } = k
  const admitted = sessions.admit(owner)
  if (!admitted.ok) {
    const what =
      admitted.why === 'total'
        ? `this gateway's ${o.limits.maxSessions} MCP sessions are in use`
        : `this token already has ${o.limits.maxPerOwner} MCP sessions`
    return rpcErrorResponse(
      503,
      RPC_SERVER_ERROR,
      `Service Unavailable: ${what}; close one (DELETE) or retry later`,
      { 'Retry-After': '5' },
    )
  }
  let session: Session | undefined
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    // SSE, so progress while a call is held reaches the client.
    enableJsonResponse: false,
    onsessioninitialized: (id) => {
      const rec: Session = {
        id,
        server: entry.name,
        owner,
        active: 0,
        lastSeen: Date.now(),
        activity: new SessionActivity(() => sessions.enter(rec)),
        transport,
        relay,
        credential,
        principal,
        close: (r) => closeSession(rec, r),
      }
      session = rec
      byId.set(id, session)
      sessions.add(session)
      admitted.release()
      log(`mcp session ${id.slice(0, 8)} (${entry.name}) opened for ${principal.name}`)
    },
    onsessionclosed: () => {
      if (session) void closeSession(session, 'the client ended it (DELETE)')
    },
  })
  // Answers are noticed as they go out, for the session's idle accounting (SessionActivity).
  const send = transport.send.bind(transport)
  transport.send = async (message, options) => {
    await send(message, options)
    if (('result' in message || 'error' in message) && message.id !== null && message.id !== undefined)
      session?.activity.answered(message.id)
  }
  let upstream: Transport
  try {
    upstream = o.openUpstream(entry)
  } catch (err) {
    admitted.release()
    log(
      `mcp server ${entry.name}: cannot open the upstream: ${err instanceof Error ? err.message : String(err)}`,
    )
    return rpcErrorResponse(
      502,
      RPC_SERVER_ERROR,
      `Bad Gateway: the upstream MCP server '${entry.name}' could not be reached`,
    )
  }
  const relay = o.createRelay({
    downstream: transport,
    upstream,
    server: entry,
    gate: o.gateFor(principal),
    identity: identityOf(principal),
    ...(o.publicUrl ? { publicUrl: o.publicUrl() } : {}),
    ...(o.progressIntervalMs ? { progressIntervalMs: o.progressIntervalMs } : {}),
    log: (line) => log(`mcp ${entry.name}: ${line}`),
    redact: o.servers.redact,
  })
  // Either side may end before the transport has assigned the id (a child that dies at once): then the session is
  // closed as soon as it exists, below.
  let ended: string | null = null
  void relay.ended.then((end) => {
    ended = end.message
    if (session) void closeSession(session, end.message)
  })
  try {
    await relay.start()
  } catch (err) {
    admitted.release()
    await relay.close('the upstream could not be started').catch(() => undefined)
    log(
      `mcp server ${entry.name}: the upstream could not be started: ${err instanceof Error ? err.message : String(err)}`,
    )
    return rpcErrorResponse(
      502,
      RPC_SERVER_ERROR,
      `Bad Gateway: the upstream MCP server '${entry.name}' could not be started`,
    )
  }
  const res = await transport.handleRequest(req, { parsedBody: body }).catch((err: unknown) => {
    log(`mcp server ${entry.name}: initialize failed: ${err instanceof Error ? err.message : String(err)}`)
    return rpcErrorResponse(500, RPC_SERVER_ERROR, 'Internal error while starting the session')
  })
  if (!session) {
    // The transport refused the initialize (Accept, Content-Type, a batch): nothing to keep.
    admitted.release()
    await relay.close('initialize refused').catch(() => undefined)
    return res
  }
  if (ended !== null) void closeSession(session, ended)
  // The initialize answer is on its way (or sent): nothing of this request stays open.
  return res
}
