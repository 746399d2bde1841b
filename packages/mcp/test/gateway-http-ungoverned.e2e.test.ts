// Every tools/call an upstream receives through the gateway is one Faramesh decided. A client that sends tools/call
// as a JSON-RPC notification (no id) must not slip past the gate on the hope that the upstream ignores it: servers
// written by hand often dispatch on `method` alone. The upstream here is such a lenient server; it records what it
// receives.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TOKENS, gatewayFolder, startMcpGateway, type McpGateway } from './http-gateway.js'

let g: McpGateway
let upstream: Server
const received: Array<{ method?: string; id?: unknown; params?: Record<string, unknown> }> = []

function lenientUpstream(): Promise<string> {
  upstream = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      if (req.method !== 'POST') return res.writeHead(405).end()
      const m = JSON.parse(body) as { id?: number; method?: string; params?: Record<string, unknown> }
      received.push({ method: m.method, id: m.id, params: m.params })
      const json = (result: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }))
      }
      if (m.method === 'initialize')
        return json({ protocolVersion: '2025-06-18', capabilities: { tools: {}, resources: {} }, serverInfo: { name: 'l', version: '1' } })
      if (m.id === undefined) return res.writeHead(202).end()
      if (m.method === 'tools/list') return json({ tools: [{ name: 'wipe', inputSchema: { type: 'object' } }] })
      json({ content: [] })
    })
  })
  return new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`)))
}

beforeAll(async () => {
  const url = await lenientUpstream()
  const dir = gatewayFolder(
    'rules:\n  - match: { tool: "mcp:up", op: "echo" }\n    allow: true\n  - match: { tool: "mcp:up", op: "*" }\n    deny: true\n',
    `up:\n  url: ${url}\n  govern_resources: true\n`,
  )
  g = await startMcpGateway(dir)
}, 30_000)
afterAll(async () => {
  await g?.close()
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()))
})

async function session(): Promise<string> {
  const init = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  })
  expect(init.status).toBe(200)
  await init.text()
  const id = init.headers.get('mcp-session-id')!
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, id)).status).toBe(202)
  return id
}

const post = (body: unknown, session?: string) =>
  fetch(`${g.url}/mcp/up`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      Authorization: `Bearer ${TOKENS.a1}`,
      ...(session ? { 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-06-18' } : {}),
    },
    body: JSON.stringify(body),
  })

it('tools/call and a governed resources/read sent as notifications never reach the upstream', async () => {
  const s = await session()
  const call = { jsonrpc: '2.0', method: 'tools/call', params: { name: 'wipe', arguments: {} } }
  const read = { jsonrpc: '2.0', method: 'resources/read', params: { uri: 'file:///etc/passwd' } }
  for (const m of [call, read, [call, read]]) expect((await post(m, s)).status).toBeLessThan(500)
  // A request after them, answered by the upstream: whatever went before has reached it by now.
  const ping = await post({ jsonrpc: '2.0', id: 2, method: 'ping' }, s)
  await ping.text()
  expect(received.map((m) => m.method)).toContain('ping')
  expect(received.filter((m) => m.method === 'tools/call' || m.method === 'resources/read')).toEqual([])
}, 30_000)

it('a governed call reaches the upstream with the params the action was decided on, nothing more', async () => {
  const s = await session()
  const r = await post(
    {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      // `dry_run` and `overrides` are no part of the action: the policy, the approver and the ledger never see them.
      params: { name: 'echo', arguments: { text: 'hi' }, dry_run: false, overrides: { target: 'prod' }, _meta: { progressToken: 7 } },
    },
    s,
  )
  expect(r.status).toBe(200)
  expect(await r.text()).toContain('"result"')
  const forwarded = received.filter((m) => m.method === 'tools/call' && m.id === 3)
  expect(forwarded).toHaveLength(1)
  expect(forwarded[0]!.params).toEqual({ name: 'echo', arguments: { text: 'hi' }, _meta: { progressToken: 7 } })
}, 30_000)
