// /mcp/<name>: Streamable HTTP (POST, GET, DELETE) for each server of FARAMESH_MCP_SERVERS, through the SDK's
// WebStandardStreamableHTTPServerTransport (one per session) and a Relay to that session's own upstream. The gateway
// has authenticated the caller and checked the `submit` permission before this app runs; here: Origin, the body,
// the session's owner, limits, and what happens when a client walks away from a held call.
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { isInitializeRequest, isJSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js'
import type { McpServers } from '../config/servers-file.js'
import type { GatePort, McpPrincipal, Relay, RelayOptions, ServerEntry } from '../types.js'
import { ownerOf, samePrincipal } from './identity.js'
import { originRefusal } from './origin.js'
import { readMessages } from './read-messages.js'
import { RPC_SERVER_ERROR, RPC_SESSION_NOT_FOUND, rpcErrorResponse } from './rpc-response.js'
import { SessionRegistry, type SessionLimits } from './session-registry.js'
import { startSession, type Session } from './session-start.js'
import { sendCompleteSseAtOnce } from './sse-answer.js'

/** How long a POST's answer stream may stay empty before its headers go out (then it is streamed, see sse-answer). */
const SSE_WAIT_MS = 250

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
    await s.relay
      .close(reason)
      .catch((err: unknown) => log(`closing mcp session ${s.id.slice(0, 8)}: ${String(err)}`))
    await s.transport.close().catch(() => undefined)
  }

  // Revoked or expired credentials and idle sessions, looked at on a timer: a session with a held call may send
  // nothing for a long time, and its call must be withdrawn when its token stops being valid.
  const timer = setInterval(
    () => {
      for (const s of sessions.idle()) void closeSession(byId.get(s.id)!, 'idle')
      if (!o.recheck) return
      for (const s of [...byId.values()]) {
        let now: McpPrincipal | null
        try {
          now = o.recheck(s.credential)
        } catch {
          now = null
        }
        if (!now || !samePrincipal(now, s.principal))
          void closeSession(s, 'its credential no longer authenticates')
      }
    },
    Math.min(o.recheckMs ?? 15_000, Math.max(250, o.limits.idleMs / 4)),
  )
  timer.unref()

  const app = new Hono<McpEnv>()

  app.all(`${base}/:name`, async (c) => {
    const principal = c.env?.principal
    // Mounted without the gateway's auth in front: refuse rather than serve anyone.
    if (!principal) return rpcErrorResponse(401, RPC_SERVER_ERROR, 'Unauthorized')
    const refused = originRefusal(c.req.header('origin'), c.req.header('host'), {
      trusted: o.trustedOrigins(),
    })
    if (refused)
      return rpcErrorResponse(
        403,
        RPC_SERVER_ERROR,
        `Forbidden: ${refused} is not this gateway, a loopback page or one of FARAMESH_CORS_ORIGINS`,
      )
    const entry = o.servers.servers.get(c.req.param('name'))
    if (!entry)
      return rpcErrorResponse(
        404,
        RPC_SERVER_ERROR,
        'Not Found: no MCP server by that name on this gateway (FARAMESH_MCP_SERVERS)',
      )
    const credential = c.env.credential
    const owner = ownerOf(principal, credential)
    const method = c.req.method
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
      return rpcErrorResponse(405, RPC_SERVER_ERROR, 'Method not allowed: use POST, GET or DELETE', {
        Allow: 'GET, POST, DELETE',
      })
    }
    const sessionId = c.req.header('mcp-session-id')

    if (method === 'POST') {
      const read = await readMessages(c.req.raw, o.maxBodyBytes)
      if (!read.ok) return read.response
      if (read.messages.some(isInitializeRequest)) {
        if (sessionId !== undefined)
          return rpcErrorResponse(
            400,
            RPC_SERVER_ERROR,
            'Bad Request: initialize starts a new session; send it without Mcp-Session-Id',
          )
        return startSession(
          { o, sessions, byId, log, closeSession },
          c.req.raw,
          entry,
          principal,
          credential,
          owner,
          read.body,
        )
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
    if (id === undefined)
      return rpcErrorResponse(
        400,
        RPC_SERVER_ERROR,
        'Bad Request: Mcp-Session-Id header is required (initialize first)',
      )
    const rec = sessions.get(id, owner)
    const s = rec ? byId.get(rec.id) : undefined
    // Another caller's session, an expired one and one that never existed read the same.
    if (!s || s.server !== server) return rpcErrorResponse(404, RPC_SESSION_NOT_FOUND, 'Session not found')
    return s
  }

  /** Hand one request to the session's transport; the client dropping the stream abandons its held calls. */
  async function serve(
    c: Context<McpEnv>,
    s: Session,
    parsedBody: unknown,
    requestIds: RequestId[],
  ): Promise<Response> {
    const signal = c.req.raw.signal
    const done = s.activity.open(requestIds, signal.aborted)
    const onAbort = (): void => {
      done()
      if (requestIds.length > 0) s.relay.abandon(requestIds, 'the MCP client closed the HTTP stream')
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const res = await s.transport.handleRequest(
        c.req.raw,
        parsedBody === undefined ? undefined : { parsedBody },
      )
      // Notifications only (202) or a refusal: nothing stays open. A GET stream stays open until the client leaves.
      if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        done()
        return res
      }
      return requestIds.length > 0 ? await sendCompleteSseAtOnce(res, SSE_WAIT_MS) : res
    } catch (err) {
      done()
      throw err
    }
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
