// Real parts for the HTTP gateway's tests: a gateway started the way apps/server starts it (startGateway with the
// mcpGateway extension, SQLite or Postgres), scoped tokens for two agents and the three other roles, the two real MCP
// servers from npm spawned as `node <bin>` (never npx), and a small SDK McpServer over HTTP that records the headers
// it receives. Everything listens on 127.0.0.1 and is stopped by the caller.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { CoreClient } from '@faramesh/sdk'
import { createLogger, silentLogger } from '@faramesh/server'
import { readConfigEnv } from '@faramesh/server/config'
import { loadConfig, startGateway, type GatewayHandle } from '@faramesh/server/node'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { z } from 'zod'
import { mcpGateway } from '../src/gateway.js'

const require = createRequire(import.meta.url)
export const FS_BIN = join(
  dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')),
  'dist',
  'index.js',
)
export const EVERYTHING_BIN = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
)

export const TOKENS = {
  a1: 'tok-http-agent-a1-0123456789',
  a2: 'tok-http-agent-a2-0123456789',
  approver: 'tok-http-approver-0123456789',
  auditor: 'tok-http-auditor-0123456789',
  admin: 'tok-http-admin-0123456789',
}

const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex')

/** A folder with the policy, the tokens file and FARAMESH_MCP_SERVERS; gateways started on it share them. */
export function gatewayFolder(policy: string, servers: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-http-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), policy)
  writeFileSync(join(dir, 'mcp-servers.yaml'), servers)
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'agent-a1', role: 'agent', agent_id: 'a1', sha256: sha(TOKENS.a1) },
        { name: 'agent-a2', role: 'agent', agent_id: 'a2', sha256: sha(TOKENS.a2) },
        { name: 'approver-ann', role: 'approver', sha256: sha(TOKENS.approver) },
        { name: 'auditor-aud', role: 'auditor', sha256: sha(TOKENS.auditor) },
        { name: 'admin-ada', role: 'admin', sha256: sha(TOKENS.admin) },
      ],
    }),
  )
  return dir
}

export interface McpGateway {
  url: string
  gw: GatewayHandle
  client(token: string): CoreClient
  close(): Promise<void>
}

/** startGateway on `dir` with the MCP extension, as apps/server composes it; env is the gateway's environment. */
export async function startMcpGateway(
  dir: string,
  env: Record<string, string> = {},
  o: { log?: (line: string) => void } = {},
): Promise<McpGateway> {
  const vars = {
    FARAMESH_PORT: '0',
    FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'),
    FARAMESH_MCP_SERVERS: 'mcp-servers.yaml',
    ...env,
  }
  const config = loadConfig(vars, dir)
  const logger = o.log ? createLogger({ level: 'debug', write: o.log }) : silentLogger
  const gw = await startGateway(config, {
    logger,
    extensions: [mcpGateway({ env: readConfigEnv(vars, dir).vars })],
  })
  return {
    url: gw.url,
    gw,
    client: (token) =>
      new CoreClient({ baseUrl: gw.url, token, maxRetries: 1, retryBackoffFactor: 0.05, timeoutMs: 5000 }),
    close: () => gw.close(),
  }
}

/** An SDK Client connected to /mcp/<name> with a bearer token (or none), as a remote agent connects. */
export async function mcpClient(
  base: string,
  name: string,
  o: { token?: string; clientName?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}),
    ...o.headers,
  }
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp/${name}`), {
    requestInit: { headers },
  })
  const client = new Client({ name: o.clientName ?? 'test-client', version: '1.0.0' })
  await client.connect(transport)
  return {
    client,
    transport,
    // DELETE the session first, as a polite client does, so sessions do not pile up against the per-token limit.
    close: async () => {
      await transport.terminateSession().catch(() => undefined)
      await client.close().catch(() => undefined)
    },
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

export interface Spawned {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** server-everything in streamableHttp mode on a free port, reached at 127.0.0.1 (retried on EADDRINUSE). */
export async function spawnEverythingHttp(): Promise<Spawned> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    const up = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 15_000)
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString()
        if (err.includes('listening on port')) (clearTimeout(t), resolve(true))
        if (err.includes('already in use')) (clearTimeout(t), resolve(false))
      })
      child.once('exit', () => (clearTimeout(t), resolve(false)))
    })
    const stop = () => stopChild(child)
    if (up) return { url: `http://127.0.0.1:${port}/mcp`, child, stop }
    await stop()
    if (attempt >= 3) throw new Error(`server-everything did not start: ${err.slice(-500)}`)
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(t)
}

export interface HeaderRecorder {
  url: string
  /** The headers of every request it received, lower-cased names. */
  seen: Array<Record<string, string | string[] | undefined>>
  stop(): Promise<void>
}

/** An SDK McpServer over Streamable HTTP (stateless) with one tool, `ping_me`, recording every request's headers. */
export async function headerRecorder(): Promise<HeaderRecorder> {
  const seen: HeaderRecorder['seen'] = []
  const server: Server = createServer((req, res) => {
    seen.push({ ...req.headers })
    const mcp = new McpServer({ name: 'recorder', version: '1.0.0' })
    mcp.registerTool(
      'ping_me',
      { description: 'pong', inputSchema: { n: z.number().optional() } },
      async () => ({ content: [{ type: 'text', text: 'pong' }] }),
    )
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => void transport.close().then(() => mcp.close()))
    void mcp.connect(transport).then(() => transport.handleRequest(req, res))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

/** Poll `f` until it returns something, at most `ms`. */
export async function until<T>(
  f: () => Promise<T | undefined>,
  ms = 10_000,
  what = 'the condition',
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const newId = (): string => randomUUID().slice(0, 8)
