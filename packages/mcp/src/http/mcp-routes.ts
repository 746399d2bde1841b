// /mcp/<name>: Streamable HTTP (POST, GET, DELETE) for each server of FARAMESH_MCP_SERVERS, through the SDK's
// WebStandardStreamableHTTPServerTransport (one per session) and a Relay to that session's own upstream. The gateway
// has authenticated the caller and checked the `submit` permission before this app runs; here: Origin, the body,
// the session's owner, limits, and what happens when a client walks away from a held call.
import { createHash, randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { isInitializeRequest, isJSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js'
import type { McpServers } from '../config/servers-file.js'
import type { GatePort, McpPrincipal, Relay, RelayIdentity, RelayOptions, ServerEntry } from '../types.js'
import { originRefusal } from './origin.js'
import { readMessages } from './read-messages.js'
import { RPC_SERVER_ERROR, RPC_SESSION_NOT_FOUND, rpcErrorResponse } from './rpc-response.js'
import { SessionActivity, SessionRegistry, type SessionLimits, type SessionRecord } from './session-registry.js'

export interface McpRoutesOptions {
  servers: McpServers
  /** The gate acting as this caller: the gateway's in-process gate, with the same checks as its routes. */
  gateFor(principal: McpPrincipal): GatePort
  /** The upstream transport of a new session (not started): a child for `command`, an HTTP client for `url`. */
  openUpstream(entry: ServerEntry): Transport
  createRelay(options: RelayOptions): Relay
  /** What a session's credential stands for now; null when it no longer authenticates (revoked, expired). */
  recheck?: (credential: string | undefined) => McpPrincipal | null
  limits: SessionLimits
  /** FARAMESH_MCP_MAX_BODY. */
  maxBodyBytes: number
  /** FARAMESH_CORS_ORIGINS (without `*`) and the gateway's public URL; read per request. */
  trustedOrigins: () => readonly string[]
  /** The dashboard's base URL for the relay's informational URL elicitation; read when a session starts. */
  publicUrl?: () => string
  /** One line per event for the operator; lines are passed through the servers' redact first. */
  log?: (line: string) => void
  /** How often credentials and idle sessions are looked at (default 15 s). */
  recheckMs?: number
  progressIntervalMs?: number
  /** Where the routes answer: `<basePath>/<name>` (default /mcp, the gateway mounts the app there). */
  basePath?: string
}

/**
 * What the gateway hands this app with each request (its fetch env, never a header): who the caller is, and the
 * bearer token they authenticated with (undefined in open mode).
 */
export interface McpBindings {
  principal: McpPrincipal
  credential: string | undefined
}

export type McpEnv = { Bindings: McpBindings }

export interface McpRoutes {
  app: Hono<McpEnv>
  sessions: SessionRegistry
  /** Close every session (held calls withdrawn, upstreams stopped). */
  close(): Promise<void>
}

interface Session extends SessionRecord {
  activity: SessionActivity
  transport: WebStandardStreamableHTTPServerTransport
  relay: Relay
  credential: string | undefined
  principal: McpPrincipal
}

/** Who a session belongs to: the credential (hashed), so another token, even for the same agent, cannot use it. */
const ownerOf = (p: McpPrincipal, credential: string | undefined): string =>
  `${p.kind}:${createHash('sha256').update(`${p.name}\0${credential ?? ''}`).digest('hex')}`

/** The agent a session acts for: a scoped agent token's agent; otherwise the MCP client's clientInfo.name. */
export function identityOf(p: McpPrincipal): RelayIdentity {
  return p.kind === 'scoped' && p.role === 'agent' && p.agentId ? { agentId: p.agentId, source: 'token' } : { source: 'client_info' }
}

const samePrincipal = (a: McpPrincipal, b: McpPrincipal): boolean => a.name === b.name && a.role === b.role && a.kind === b.kind && a.agentId === b.agentId

export function mcpRoutes(o: McpRoutesOptions): McpRoutes {
  const base = o.basePath ?? '/mcp'
  const sessions = new SessionRegistry(o.limits)
  const byId = new Map<string, Session>()
  const log = (line: string): void => {
    try {
      o.log?.(o.servers.redact(line))
    } catch {
      // A logger must never break a session.
    }
  }

  async function closeSession(s: Session, reason: string): Promise<void> {
    if (!byId.has(s.id)) return
    byId.delete(s.id)
    sessions.remove(s.id)
    log(`mcp session ${s.id.slice(0, 8)} (${s.server}) closed: ${reason}`)
    await s.relay.close(reason).catch((err: unknown) => log(`closing mcp session ${s.id.slice(0, 8)}: ${String(err)}`))
    await s.transport.close().catch(() => undefined)
  }

  // Revoked or expired credentials and idle sessions, looked at on a timer: a session with a held call may send
  // nothing for a long time, and its call must be withdrawn when its token stops being valid.
  const timer = setInterval(() => {
    for (const s of sessions.idle()) void closeSession(byId.get(s.id)!, 'idle')
    if (!o.recheck) return
    for (const s of [...byId.values()]) {
      let now: McpPrincipal | null
      try {
        now = o.recheck(s.credential)
      } catch {
        now = null
      }
      if (!now || !samePrincipal(now, s.principal)) void closeSession(s, 'its credential no longer authenticates')
    }
  }, Math.min(o.recheckMs ?? 15_000, Math.max(250, o.limits.idleMs / 4)))
  timer.unref()

  const app = new Hono<McpEnv>()

  app.all(`${base}/:name`, async (c) => {
    const principal = c.env?.principal
    // Mounted without the gateway's auth in front: refuse rather than serve anyone.
    if (!principal) return rpcErrorResponse(401, RPC_SERVER_ERROR, 'Unauthorized')
    const refused = originRefusal(c.req.header('origin'), c.req.header('host'), { trusted: o.trustedOrigins() })
    if (refused) return rpcErrorResponse(403, RPC_SERVER_ERROR, `Forbidden: ${refused} is not this gateway, a loopback page or one of FARAMESH_CORS_ORIGINS`)
    const entry = o.servers.servers.get(c.req.param('name'))
    if (!entry) return rpcErrorResponse(404, RPC_SERVER_ERROR, 'Not Found: no MCP server by that name on this gateway (FARAMESH_MCP_SERVERS)')
    const credential = c.env.credential
    const owner = ownerOf(principal, credential)
    const method = c.req.method
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
      return rpcErrorResponse(405, RPC_SERVER_ERROR, 'Method not allowed: use POST, GET or DELETE', { Allow: 'GET, POST, DELETE' })
    }
    const sessionId = c.req.header('mcp-session-id')

    if (method === 'POST') {
      const read = await readMessages(c.req.raw, o.maxBodyBytes)
      if (!read.ok) return read.response
      if (read.messages.some(isInitializeRequest)) {
        if (sessionId !== undefined) return rpcErrorResponse(400, RPC_SERVER_ERROR, 'Bad Request: initialize starts a new session; send it without Mcp-Session-Id')
        return startSession(c, entry, principal, credential, owner, read.body)
      }
      const s = sessionFor(sessionId, owner, entry.name)
      if (s instanceof Response) return s
      const requestIds = read.messages.filter(isJSONRPCRequest).map((m) => m.id)
      return serve(c, s, read.body, requestIds)
    }
    const s = sessionFor(sessionId, owner, entry.name)
    if (s instanceof Response) return s
    return serve(c, s, undefined, [])
  })

  function sessionFor(id: string | undefined, owner: string, server: string): Session | Response {
    if (id === undefined) return rpcErrorResponse(400, RPC_SERVER_ERROR, 'Bad Request: Mcp-Session-Id header is required (initialize first)')
    const rec = sessions.get(id, owner)
    const s = rec ? byId.get(rec.id) : undefined
    // Another caller's session, an expired one and one that never existed read the same.
    if (!s || s.server !== server) return rpcErrorResponse(404, RPC_SESSION_NOT_FOUND, 'Session not found')
    return s
  }

  /** Hand one request to the session's transport; the client dropping the stream abandons its held calls. */
  async function serve(c: Context<McpEnv>, s: Session, parsedBody: unknown, requestIds: RequestId[]): Promise<Response> {
    const signal = c.req.raw.signal
    const done = s.activity.open(requestIds, signal.aborted)
    const onAbort = (): void => {
      done()
      if (requestIds.length > 0) s.relay.abandon(requestIds, 'the MCP client closed the HTTP stream')
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const res = await s.transport.handleRequest(c.req.raw, parsedBody === undefined ? undefined : { parsedBody })
      // Notifications only (202) or a refusal: nothing stays open. A GET stream stays open until the client leaves.
      if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) done()
      return res
    } catch (err) {
      done()
      throw err
    }
  }

  async function startSession(c: Context<McpEnv>, entry: ServerEntry, principal: McpPrincipal, credential: string | undefined, owner: string, body: unknown): Promise<Response> {
    const admitted = sessions.admit(owner)
    if (!admitted.ok) {
      const what = admitted.why === 'total' ? `this gateway's ${o.limits.maxSessions} MCP sessions are in use` : `this token already has ${o.limits.maxPerOwner} MCP sessions`
      return rpcErrorResponse(503, RPC_SERVER_ERROR, `Service Unavailable: ${what}; close one (DELETE) or retry later`, { 'Retry-After': '5' })
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
      if (('result' in message || 'error' in message) && message.id !== null && message.id !== undefined) session?.activity.answered(message.id)
    }
    let upstream: Transport
    try {
      upstream = o.openUpstream(entry)
    } catch (err) {
      admitted.release()
      log(`mcp server ${entry.name}: cannot open the upstream: ${err instanceof Error ? err.message : String(err)}`)
      return rpcErrorResponse(502, RPC_SERVER_ERROR, `Bad Gateway: the upstream MCP server '${entry.name}' could not be reached`)
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
    })
    void relay.ended.then((end) => {
      if (session) void closeSession(session, end.message)
    })
    try {
      await relay.start()
    } catch (err) {
      admitted.release()
      await relay.close('the upstream could not be started').catch(() => undefined)
      log(`mcp server ${entry.name}: the upstream could not be started: ${err instanceof Error ? err.message : String(err)}`)
      return rpcErrorResponse(502, RPC_SERVER_ERROR, `Bad Gateway: the upstream MCP server '${entry.name}' could not be started`)
    }
    const res = await transport.handleRequest(c.req.raw, { parsedBody: body }).catch((err: unknown) => {
      log(`mcp server ${entry.name}: initialize failed: ${err instanceof Error ? err.message : String(err)}`)
      return rpcErrorResponse(500, RPC_SERVER_ERROR, 'Internal error while starting the session')
    })
    if (!session) {
      // The transport refused the initialize (Accept, Content-Type, a batch): nothing to keep.
      admitted.release()
      await relay.close('initialize refused').catch(() => undefined)
      return res
    }
    // The initialize answer is on its way (or sent): nothing of this request stays open.
    return res
  }

  return {
    app,
    sessions,
    async close() {
      clearInterval(timer)
      await Promise.all([...byId.values()].map((s) => closeSession(s, 'the gateway is stopping')))
    },
  }
}
