// The HTTP gateway's edges, against a real gateway with filesystem as a command upstream: who may call (roles, no
// token), where from (Origin), whose session (another token with a session id), limits, bad input that must be
// answered with the right JSON-RPC error while the gateway keeps working, and what admins and auditors may see.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FS_BIN, TOKENS, gatewayFolder, mcpClient, startMcpGateway, type McpGateway } from './http-gateway.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: "*" }
    allow: true
  - match: { tool: "*", op: "*" }
    deny: true
`
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
}
const ACCEPT = 'application/json, text/event-stream'

let data: string
let dir: string
let g: McpGateway

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'faramesh-mcp-edges-'))
  writeFileSync(join(data, 'a.txt'), 'A')
  dir = gatewayFolder(POLICY, `files:\n  command: "${process.execPath}"\n  args: ["${FS_BIN}", "${data}"]\n`)
  g = await startMcpGateway(dir, { FARAMESH_MCP_MAX_SESSIONS_PER_TOKEN: '2', FARAMESH_MCP_MAX_BODY: '65536' })
})
afterAll(async () => {
  await g?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  if (data) rmSync(data, { recursive: true, force: true })
})

const post = (
  body: string,
  o: {
    token?: string
    session?: string
    origin?: string
    path?: string
    headers?: Record<string, string>
  } = {},
) =>
  fetch(`${g.url}${o.path ?? '/mcp/files'}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: ACCEPT,
      ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}),
      ...(o.session ? { 'Mcp-Session-Id': o.session, 'Mcp-Protocol-Version': '2025-06-18' } : {}),
      ...(o.origin ? { Origin: o.origin } : {}),
      ...o.headers,
    },
    body,
  })

/** A raw session: initialize + initialized, returning its id. */
async function rawSession(token: string): Promise<{ id: string; end(): Promise<void> }> {
  const r = await post(JSON.stringify(INIT), { token })
  expect(r.status).toBe(200)
  await r.text()
  const id = r.headers.get('mcp-session-id')!
  expect(id).toBeTruthy()
  const n = await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), {
    token,
    session: id,
  })
  expect(n.status).toBe(202)
  return {
    id,
    end: async () => {
      await fetch(`${g.url}/mcp/files`, {
        method: 'DELETE',
        headers: {
          Authorization: `Bearer ${token}`,
          'Mcp-Session-Id': id,
          'Mcp-Protocol-Version': '2025-06-18',
        },
      })
    },
  }
}

const countActions = async () =>
  (await g.client(TOKENS.admin).listActions({ tool: 'mcp:files', limit: 500 })).length
const rpcError = async (r: Response) =>
  ((await r.json()) as { error: { code: number; message: string } }).error

describe('who may use /mcp/<name>', () => {
  it('no token → 401; approver and auditor → 403 {detail}; nothing recorded', async () => {
    const before = await countActions()
    expect((await post(JSON.stringify(INIT))).status).toBe(401)
    for (const token of [TOKENS.approver, TOKENS.auditor]) {
      const r = await post(JSON.stringify(INIT), { token })
      expect(r.status).toBe(403)
      expect(((await r.json()) as { detail: string }).detail).toMatch(/may not submit/)
    }
    expect(await countActions()).toBe(before)
  })

  it('a foreign Origin → 403 and no session or action; the same origin or none is served', async () => {
    const before = await countActions()
    const r = await post(JSON.stringify(INIT), { token: TOKENS.a1, origin: 'https://evil.example' })
    expect(r.status).toBe(403)
    expect((await rpcError(r)).message).toContain('https://evil.example')
    expect(r.headers.get('mcp-session-id')).toBeNull()
    const own = await post(JSON.stringify(INIT), { token: TOKENS.a1, origin: g.url })
    expect(own.status).toBe(200)
    await own.text()
    await fetch(`${g.url}/mcp/files`, {
      method: 'DELETE',
      headers: {
        Authorization: `Bearer ${TOKENS.a1}`,
        'Mcp-Session-Id': own.headers.get('mcp-session-id')!,
        'Mcp-Protocol-Version': '2025-06-18',
      },
    })
    expect(await countActions()).toBe(before)
  })

  it("another token presenting a session's id gets 404, as for an unknown session; the owner keeps using it", async () => {
    const s = await rawSession(TOKENS.a1)
    try {
      const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })
      for (const token of [TOKENS.a2, TOKENS.admin]) {
        const r = await post(list, { token, session: s.id })
        expect(r.status).toBe(404)
        expect((await rpcError(r)).code).toBe(-32001)
      }
      const mine = await post(list, { token: TOKENS.a1, session: s.id })
      expect(mine.status).toBe(200)
      expect(await mine.text()).toContain('read_text_file')
    } finally {
      await s.end()
    }
  })

  it("an admin token (not bound to an agent) acts for the client's clientInfo.name, marked client_info", async () => {
    const c = await mcpClient(g.url, 'files', { token: TOKENS.admin, clientName: 'robot-7' })
    try {
      await c.client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'a.txt') } })
      const acts = await g
        .client(TOKENS.admin)
        .listActions({ tool: 'mcp:files', agent_id: 'robot-7', limit: 10 })
      expect(acts.length).toBeGreaterThan(0)
      expect(acts[0]!.context).toMatchObject({ mcp: { agent_source: 'client_info' } })
    } finally {
      await c.close()
    }
  })

  it('an unknown server → 404; a request without a session id → 400', async () => {
    expect((await post(JSON.stringify(INIT), { token: TOKENS.a1, path: '/mcp/nope' })).status).toBe(404)
    const r = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }), {
      token: TOKENS.a1,
    })
    expect(r.status).toBe(400)
    expect((await rpcError(r)).message).toMatch(/Mcp-Session-Id/)
  })

  it('sessions per token are limited (503); ending one makes room', async () => {
    const a = await rawSession(TOKENS.a2)
    const b = await rawSession(TOKENS.a2)
    const third = await post(JSON.stringify(INIT), { token: TOKENS.a2 })
    expect(third.status).toBe(503)
    expect((await rpcError(third)).message).toMatch(/already has 2 MCP sessions/)
    // Another token is not affected.
    const other = await rawSession(TOKENS.a1)
    await other.end()
    await a.end()
    const again = await rawSession(TOKENS.a2)
    await again.end()
    await b.end()
  })
})

describe('bad input gets the right JSON-RPC error, and the next call works', () => {
  it('bad JSON, a duplicate key, oversized, an empty or too large batch, a non-JSON-RPC message, an unknown method', async () => {
    const s = await rawSession(TOKENS.a1)
    const before = await countActions()
    try {
      const cases: Array<[string, number, number, RegExp]> = [
        ['{"jsonrpc":"2.0",', 400, -32700, /Parse error: Expecting property name/],
        [
          '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"a","path":"b"}}}',
          400,
          -32700,
          /Duplicate key 'path'.*params\.arguments\.path/,
        ],
        [
          JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ping', params: { pad: 'x'.repeat(70_000) } }),
          413,
          -32600,
          /at most 65536 bytes/,
        ],
        ['[]', 400, -32600, /a batch holds 1 to 100 messages, this one 0/],
        [
          JSON.stringify(
            Array.from({ length: 101 }, (_, i) => ({
              jsonrpc: '2.0',
              method: 'notifications/x',
              params: { i },
            })),
          ),
          400,
          -32600,
          /this one 101/,
        ],
        ['{"jsonrpc":"1.0","id":7,"method":"ping"}', 400, -32600, /not a JSON-RPC 2.0/],
      ]
      for (const [body, status, code, message] of cases) {
        const r = await post(body, { token: TOKENS.a1, session: s.id })
        expect(r.status, body.slice(0, 60)).toBe(status)
        const e = await rpcError(r)
        expect(e.code).toBe(code)
        expect(e.message).toMatch(message)
      }
      const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'no/such/method' }), {
        token: TOKENS.a1,
        session: s.id,
      })
      expect(unknown.status).toBe(200)
      expect(await unknown.text()).toMatch(/"code":-32601/)
      const ok = await post(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: 'read_text_file', arguments: { path: join(data, 'a.txt') } },
        }),
        {
          token: TOKENS.a1,
          session: s.id,
        },
      )
      expect(ok.status).toBe(200)
      expect(await ok.text()).toContain('"text":"A"')
      // Only the one valid call became an action.
      expect(await countActions()).toBe(before + 1)
    } finally {
      await s.end()
    }
  })

  it('a call answered at once comes as its SSE event in one body with a Content-Length, not a chunked stream', async () => {
    const s = await rawSession(TOKENS.a1)
    try {
      const r = await post(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 21,
          method: 'tools/call',
          params: { name: 'read_text_file', arguments: { path: join(data, 'a.txt') } },
        }),
        { token: TOKENS.a1, session: s.id },
      )
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toBe('text/event-stream')
      expect(r.headers.get('mcp-session-id')).toBe(s.id)
      const text = await r.text()
      expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(text)))
      expect(r.headers.get('transfer-encoding')).toBeNull()
      const data_ = /^event: message\ndata: (.*)\n\n$/.exec(text)?.[1]
      expect(JSON.parse(data_!)).toMatchObject({ jsonrpc: '2.0', id: 21, result: { content: [{ text: 'A' }] } })
    } finally {
      await s.end()
    }
  })

  it('the SDK client still works on the same gateway afterwards', async () => {
    const c = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
    try {
      const r = await c.client.callTool({ name: 'list_allowed_directories', arguments: {} })
      expect(JSON.stringify(r)).toContain(data.split('/').pop()!)
    } finally {
      await c.close()
    }
  })
})

describe('GET /v1/mcp/servers', () => {
  it('admin and auditor see names, kinds and flags only; agents and approvers are refused', async () => {
    for (const token of [TOKENS.admin, TOKENS.auditor]) {
      const r = await fetch(`${g.url}/v1/mcp/servers`, { headers: { Authorization: `Bearer ${token}` } })
      expect(r.status).toBe(200)
      const body = await r.text()
      expect(JSON.parse(body)).toEqual({
        servers: [
          {
            name: 'files',
            kind: 'command',
            hide_denied_tools: true,
            client_roots: false,
            govern_resources: false,
            call_timeout_ms: null,
          },
        ],
      })
      expect(body).not.toContain(FS_BIN)
      expect(body).not.toContain(data)
    }
    for (const token of [TOKENS.a1, TOKENS.approver]) {
      expect(
        (await fetch(`${g.url}/v1/mcp/servers`, { headers: { Authorization: `Bearer ${token}` } })).status,
      ).toBe(403)
    }
    expect((await fetch(`${g.url}/v1/mcp/servers`)).status).toBe(401)
  })
})
