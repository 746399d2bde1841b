// @faramesh/mcp/gateway: the MCP endpoints as a gateway extension. apps/server and `faramesh serve` import this only
// when FARAMESH_MCP_SERVERS is set and hand `mcpGateway(...)` to startGateway (StartOptions.extensions); the server
// package never imports this package. The host authenticates every request and checks the mount's permission before
// these apps run, and passes the caller in the fetch env, never in a header.
import { Hono } from 'hono'
import { durationMs } from '@faramesh/policy-core/duration'
import { loadMcpServers, type McpServers } from './config/servers-file.js'
import { McpGateError } from './errors.js'
import { mcpRoutes, type McpBindings } from './http/mcp-routes.js'
import { createRelay } from './relay/relay.js'
import { openUpstream } from './transports/upstream.js'
import type { GatePort, McpPrincipal } from './types.js'

/** What the gateway's extension host offers that this extension uses (structurally @faramesh/server's). */
export interface McpGatewayHost {
  config: {
    mcpServersPath: string | null
    corsOrigins: readonly string[]
    /** The gateway's own secrets, which no upstream may be handed. */
    token: string | null
    postgresDsn: string | null
    signingKeyPath: string | null
    tokensFile: string
    sqlitePath: string
  }
  logger: {
    info(msg: string, fields?: Record<string, unknown>): void
    warn(msg: string, fields?: Record<string, unknown>): void
  }
  gateFor(principal: McpPrincipal): GatePort
  readonly publicUrl: string
  /** Resolve a credential as a request's would be; throws when it no longer authenticates. */
  authenticate?(token: string | undefined): McpPrincipal
}

type Fetch = (req: Request, env: McpBindings) => Response | Promise<Response>

export interface McpGatewayExtension {
  name: string
  mounts: Array<{ prefix: string; permission: 'submit' | 'audit'; app: { fetch: Fetch } }>
  /** The servers as loaded (names, kinds, flags; values sealed). */
  servers: McpServers
  close(): Promise<void>
}

export interface McpGatewayOptions {
  /** The gateway's variables as its config resolver reads them: the environment over .env (readConfigEnv().vars). */
  env: Readonly<Record<string, string | undefined>>
}

/** Session, body and progress settings: FARAMESH_MCP_MAX_SESSIONS, _MAX_SESSIONS_PER_TOKEN, _SESSION_IDLE, _MAX_BODY, _PROGRESS_MS. */
export interface McpGatewayLimits {
  maxSessions: number
  maxPerOwner: number
  idleMs: number
  maxBodyBytes: number
  /** FARAMESH_MCP_PROGRESS_MS: progress notifications to a client waiting on a held call (it sent a progressToken). */
  progressIntervalMs: number
}

const bad = (name: string, why: string): McpGateError =>
  new McpGateError('CONFIG_INVALID', `${name}: ${why}`, { where: name })

function int(env: McpGatewayOptions['env'], name: string, dflt: number, min: number, max: number): number {
  const v = env[name]
  if (v === undefined || v.trim() === '') return dflt
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max)
    throw bad(name, `expected a whole number from ${min} to ${max}`)
  return Number(v)
}

export function limitsOf(env: McpGatewayOptions['env']): McpGatewayLimits {
  const idle = env.FARAMESH_MCP_SESSION_IDLE
  const idleMs =
    idle === undefined || idle.trim() === ''
      ? 30 * 60_000
      : durationMs(idle.toLowerCase(), ['s', 'm', 'h'], 's')
  if (idleMs === null || idleMs < 1000 || idleMs > 86_400_000)
    throw bad('FARAMESH_MCP_SESSION_IDLE', 'expected a duration from 1s to 24h, such as 30m')
  return {
    maxSessions: int(env, 'FARAMESH_MCP_MAX_SESSIONS', 64, 1, 10_000),
    maxPerOwner: int(env, 'FARAMESH_MCP_MAX_SESSIONS_PER_TOKEN', 8, 1, 10_000),
    idleMs,
    maxBodyBytes: int(env, 'FARAMESH_MCP_MAX_BODY', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    progressIntervalMs: int(env, 'FARAMESH_MCP_PROGRESS_MS', 5000, 100, 600_000),
  }
}

/** The extension factory: reads FARAMESH_MCP_SERVERS (refusing to start on any problem) and serves /mcp/<name>. */
export function mcpGateway(
  options: McpGatewayOptions,
): (host: McpGatewayHost) => Promise<McpGatewayExtension> {
  return async (host) => {
    const file = host.config.mcpServersPath
    if (!file)
      throw new McpGateError(
        'CONFIG_INVALID',
        'FARAMESH_MCP_SERVERS: not set, so there is no MCP server to serve',
        { where: 'FARAMESH_MCP_SERVERS' },
      )
    const c = host.config
    const servers = loadMcpServers(file, {
      env: options.env,
      gatewaySecrets: [c.token, c.postgresDsn, c.signingKeyPath, c.tokensFile, c.sqlitePath],
    })
    const limits = limitsOf(options.env)
    const routes = mcpRoutes({
      servers,
      gateFor: (p) => host.gateFor(p),
      openUpstream: (entry) =>
        openUpstream(entry, {
          redact: servers.redact,
          stderr: (line) =>
            host.logger.info('mcp server stderr', { server: entry.name, line: servers.redact(line) }),
        }),
      createRelay,
      ...(host.authenticate ? { recheck: recheckWith(host.authenticate.bind(host)) } : {}),
      limits: { maxSessions: limits.maxSessions, maxPerOwner: limits.maxPerOwner, idleMs: limits.idleMs },
      maxBodyBytes: limits.maxBodyBytes,
      progressIntervalMs: limits.progressIntervalMs,
      trustedOrigins: () => [...c.corsOrigins.filter((o) => o !== '*'), host.publicUrl],
      publicUrl: () => host.publicUrl,
      log: (line) => host.logger.info(line),
    })
    // Admins and auditors may see what is served, never how: no command, URL, header, argument or variable.
    const list = new Hono<{ Bindings: McpBindings }>()
    list.get('/v1/mcp/servers', (ctx) => ctx.json({ servers: servers.summary() }))
    list.all('*', (ctx) => ctx.json({ detail: 'Not Found' }, 404))
    host.logger.info('mcp gateway serving', {
      file,
      servers: servers
        .summary()
        .map((s) => `${s.name} (${s.kind})`)
        .join(', '),
    })
    return {
      name: 'mcp',
      servers,
      mounts: [
        { prefix: '/mcp/', permission: 'submit', app: { fetch: (req, env) => routes.app.fetch(req, env) }, openapi: MCP_PATHS },
        { prefix: '/v1/mcp/', permission: 'audit', app: { fetch: (req, env) => list.fetch(req, env) }, openapi: LIST_PATHS },
      ],
      close: () => routes.close(),
    }
  }
}

const NAME_PARAM = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } }
const SESSION_PARAM = { name: 'Mcp-Session-Id', in: 'header', required: false, schema: { type: 'string' } }
const mcpOp = (summary: string, body: boolean): Record<string, unknown> => ({
  summary,
  description: 'Roles: agent, admin (the submit permission). MCP Streamable HTTP (protocol 2025-06-18 and later); errors are JSON-RPC.',
  parameters: [NAME_PARAM, SESSION_PARAM],
  ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: { type: ['object', 'array'] } } } } } : {}),
  responses: { '200': { description: 'application/json or text/event-stream' }, '202': { description: 'Accepted (notifications and responses only)' }, default: { description: 'JSON-RPC error' } },
})
/** /openapi.json lists the MCP endpoints while they are served (FARAMESH_MCP_SERVERS set). */
const MCP_PATHS = {
  '/mcp/{name}': {
    post: mcpOp('MCP messages for the upstream server <name>; tools/call is governed (allow, deny, held for a person)', true),
    get: mcpOp('The session\'s server-to-client event stream', false),
    delete: mcpOp('End the session (held calls are withdrawn)', false),
  },
}
const LIST_PATHS = {
  '/v1/mcp/servers': {
    get: {
      summary: 'The MCP servers this gateway serves: name, kind and flags only (never a command, URL, header or variable)',
      description: 'Roles: auditor, admin.',
      responses: { '200': { description: 'OK' }, default: { description: 'Error' } },
    },
  },
}

function recheckWith(
  authenticate: (token: string | undefined) => McpPrincipal,
): (credential: string | undefined) => McpPrincipal | null {
  return (credential) => {
    try {
      return authenticate(credential)
    } catch {
      return null
    }
  }
}
