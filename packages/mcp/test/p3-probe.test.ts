import { afterAll, beforeAll, expect, it } from 'vitest'
import { EVERYTHING_BIN, gatewayFolder, startMcpGateway, type McpGateway } from './http-gateway.js'

let g: McpGateway
beforeAll(async () => {
  const dir = gatewayFolder(
    'rules:\n  - match: { tool: "mcp:ev", op: "*" }\n    allow: true\n',
    `ev:\n  command: ${JSON.stringify(process.execPath)}\n  args: [${JSON.stringify(EVERYTHING_BIN)}]\n`,
  )
  g = await startMcpGateway(dir)
})
afterAll(async () => g?.close())

const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } })
it('paths', async () => {
  for (const p of ['/mcp/ev', '/%6dcp/ev', '//mcp/ev', '/mcp//ev', '/Mcp/ev', '/mcp/%65v', '/mcp/ev/', '/./mcp/ev', '/mcp/ev?x=1', '/mcp%2fev', '/mcp/ev%2f', '/mcp/ev;x']) {
    const r = await fetch(g.url + p, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: init })
    console.log(p, r.status, (await r.text()).slice(0, 150).replace(/\n/g, ' '))
  }
}, 30000)
