// A compromised url upstream must not be able to take the gateway down: an answer without end (or simply too large)
// is cut off at the same bound a command child's line has (16 MiB), the call gets a JSON-RPC error and the gateway
// goes on serving. Without a bound the gateway buffers the whole body and one upstream exhausts its memory.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TOKENS, gatewayFolder, mcpClient, startMcpGateway, until, type McpGateway } from './http-gateway.js'

const MiB = 1024 * 1024
/** How much the flooding tool would send if nobody stopped reading. */
const FLOOD = 96 * MiB
let g: McpGateway
let upstream: Server
let written = 0
let ended: 'closed' | 'finished' | null = null

function floodingUpstream(): Promise<string> {
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
        return json({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'flood', version: '1' } })
      if (m.id === undefined) return res.writeHead(202).end()
      if (m.method === 'tools/list')
        return json({ tools: ['flood', 'ok'].map((name) => ({ name, inputSchema: { type: 'object' } })) })
      if (m.params?.name === 'ok') return json({ content: [{ type: 'text', text: 'fine' }] })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.on('close', () => (ended ??= res.writableFinished ? 'finished' : 'closed'))
      res.write(`{"jsonrpc":"2.0","id":${JSON.stringify(m.id)},"result":{"content":[{"type":"text","text":"`)
      const chunk = 'A'.repeat(MiB)
      const pump = (): void => {
        while (written < FLOOD) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end('"}]}}')
      }
      pump()
    })
  })
  return new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`)))
}

beforeAll(async () => {
  const url = await floodingUpstream()
  const dir = gatewayFolder('rules:\n  - match: { tool: "mcp:up", op: "*" }\n    allow: true\n', `up:\n  url: ${url}\n`)
  g = await startMcpGateway(dir)
}, 30_000)
afterAll(async () => {
  await g?.close()
  await new Promise<void>((r) => (upstream ? (upstream.closeAllConnections(), upstream.close(() => r())) : r()))
})

it('an upstream answer over 16 MiB is cut off: the call gets an error, the gateway keeps serving', async () => {
  const c = await mcpClient(g.url, 'up', { token: TOKENS.a1 })
  try {
    const answer = await c.client.callTool({ name: 'flood', arguments: {} }, undefined, { timeout: 20_000 }).then(
      (r) => `result of ${JSON.stringify(r).length} chars`,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    )
    await until(async () => ended ?? undefined, 10_000, 'the flooding answer to end')
    // The gateway stopped reading well before the upstream was done.
    expect(ended).toBe('closed')
    expect(written).toBeLessThan(32 * MiB)
    expect(answer).toMatch(/16777216 bytes|too large/i)
  } finally {
    await c.close()
  }
  // Another session still works.
  const d = await mcpClient(g.url, 'up', { token: TOKENS.a2 })
  try {
    expect(await d.client.callTool({ name: 'ok', arguments: {} })).toMatchObject({ content: [{ text: 'fine' }] })
  } finally {
    await d.close()
  }
}, 60_000)
