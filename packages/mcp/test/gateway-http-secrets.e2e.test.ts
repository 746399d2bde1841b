// An upstream's error text must not hand the agent the upstream's credential. A url upstream
// that answers a tools/call with an HTTP error echoing the Authorization header it received (as debugging proxies and
// some APIs do: "invalid token Bearer …") must reach the agent with every configured secret masked, exactly as the
// operator's log gets it.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TOKENS, gatewayFolder, mcpClient, startMcpGateway, until, type McpGateway } from './http-gateway.js'

const SECRET = 'ghp_upstream-secret-0123456789abcdef'
let g: McpGateway
let upstream: Server

/**
 * A minimal Streamable HTTP MCP server (JSON answers) whose tools echo the Authorization header they were sent: `ping`
 * in an HTTP 502 body, `jerr` in a JSON-RPC error message.
 */
function echoingUpstream(): Promise<string> {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      if (req.method !== 'POST') return res.writeHead(405).end()
      const m = JSON.parse(body) as { id?: number; method: string }
      const json = (result: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }))
      }
      if (m.method === 'initialize')
        return json({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'echo', version: '1' } })
      if (m.id === undefined) return res.writeHead(202).end()
      if (m.method === 'tools/list')
        return json({ tools: ['ping', 'jerr'].map((name) => ({ name, inputSchema: { type: 'object' } })) })
      if ((m as { params?: { name?: string } }).params?.name === 'jerr') {
        res.writeHead(200, { 'content-type': 'application/json' })
        const message = `bad credentials ${String(req.headers.authorization)}`
        return res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32001, message } }))
      }
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`upstream refused the credentials ${String(req.headers.authorization)}`)
    })
  })
  return new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`)))
}

beforeAll(async () => {
  const url = await echoingUpstream()
  const dir = gatewayFolder(
    'rules:\n  - match: { tool: "mcp:up", op: "*" }\n    allow: true\n',
    `up:\n  url: ${url}\n  headers: { Authorization: "Bearer \${UP_TOKEN}" }\n`,
  )
  g = await startMcpGateway(dir, { UP_TOKEN: SECRET })
}, 30_000)
afterAll(async () => {
  await g?.close()
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()))
})

it('upstream error texts that echo the configured Authorization reach the agent and the ledger redacted', async () => {
  const c = await mcpClient(g.url, 'up', { token: TOKENS.a1 })
  try {
    const err = await c.client.callTool({ name: 'ping', arguments: {} }).then(
      (r) => JSON.stringify(r),
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    )
    expect(err).toContain('failed on the call')
    expect(err).not.toContain(SECRET)
    expect(err).toContain('[redacted]')
    const rpc = await c.client.callTool({ name: 'jerr', arguments: {} }).then(
      (r) => JSON.stringify(r),
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    )
    expect(rpc).toContain('bad credentials')
    expect(rpc).not.toContain(SECRET)
    // The ledger (dashboard, audit export, the agent's own GET /v1/actions/{id}) gets the reports: masked too.
    const admin = g.client(TOKENS.admin)
    const records = await until(async () => {
      const done = (await admin.listActions({ tool: 'mcp:up' })).filter((a) => a.status === 'failed')
      return done.length === 2 ? done : undefined
    }, 10_000, 'both calls reported')
    for (const a of records) {
      expect(a.error).toContain('[redacted]')
      expect(JSON.stringify(a)).not.toContain(SECRET)
    }
  } finally {
    await c.close()
  }
}, 30_000)
