// A url upstream behind a proxy: the call ran, then the proxy answered 504 (its own timeout) instead of the server's
// result. The record must not say "not executed" (the agent, and an auditor, would take it for a call that never
// happened, and a retry runs it twice): the honest record is "outcome unknown".
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TOKENS, gatewayFolder, mcpClient, startMcpGateway, until, type McpGateway } from './http-gateway.js'

let g: McpGateway
let upstream: Server
const ran: string[] = []

function proxiedUpstream(): Promise<string> {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      if (req.method !== 'POST') return res.writeHead(405).end()
      const m = JSON.parse(body) as { id?: number; method: string; params?: { name?: string } }
      const json = (result: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }))
      }
      if (m.method === 'initialize')
        return json({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'p', version: '1' } })
      if (m.id === undefined) return res.writeHead(202).end()
      if (m.method === 'tools/list') return json({ tools: [{ name: 'transfer', inputSchema: { type: 'object' } }] })
      // The backend ran it; the proxy in front timed out and answered for it.
      ran.push(String(m.params?.name))
      res.writeHead(504, { 'content-type': 'text/plain' })
      res.end('Gateway Timeout')
    })
  })
  return new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`)))
}

beforeAll(async () => {
  const url = await proxiedUpstream()
  const dir = gatewayFolder('rules:\n  - match: { tool: "mcp:up", op: "*" }\n    allow: true\n', `up:\n  url: ${url}\n`)
  g = await startMcpGateway(dir)
}, 30_000)
afterAll(async () => {
  await g?.close()
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()))
})

it('a call the upstream received but answered with an HTTP error is recorded "outcome unknown", not "not executed"', async () => {
  const c = await mcpClient(g.url, 'up', { token: TOKENS.a1 })
  try {
    const err = await c.client.callTool({ name: 'transfer', arguments: { amount: 100 } }).then(
      () => 'answered',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    )
    expect(err).toMatch(/whether it ran is unknown/)
    expect(ran).toEqual(['transfer'])
    const admin = g.client(TOKENS.admin)
    const a = await until(async () => (await admin.listActions({ tool: 'mcp:up' })).find((x) => x.status === 'failed'), 10_000, 'the report')
    expect(a.error).not.toMatch(/not executed/)
    expect(a.error).toMatch(/outcome unknown/)
  } finally {
    await c.close()
  }
}, 30_000)
