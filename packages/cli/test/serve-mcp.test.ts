// `faramesh serve` composes the MCP gateway as apps/server does: with FARAMESH_MCP_SERVERS set, /mcp/<name> serves the
// configured upstream (here server-filesystem, spawned as `node <bin>`); without it there is no MCP endpoint.
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cli, exited, REPO, start, tempDir, waitForOutput } from './helpers.js'

const FS_BIN = join(dirname(createRequire(join(REPO, 'packages', 'mcp', 'package.json')).resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist', 'index.js')
const ACCEPT = 'application/json, text/event-stream'
const cleanup: string[] = []
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true })
})

const post = (url: string, body: unknown, session?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT, ...(session ? { 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-06-18' } : {}) },
    body: JSON.stringify(body),
  })

describe('faramesh serve with FARAMESH_MCP_SERVERS', () => {
  it('serves /mcp/<name>', async () => {
    const dir = tempDir()
    const data = mkdtempSync(join(tmpdir(), 'faramesh-cli-mcp-data-'))
    cleanup.push(dir, data)
    await cli(['init'], { cwd: dir })
    writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: "mcp:files", op: "*" }\n    allow: true\n')
    writeFileSync(join(dir, 'mcp.yaml'), `files:\n  command: "${process.execPath}"\n  args: ["${FS_BIN}", "${data}"]\n`)
    const serve = start(['serve', '--port', '0', '--json', '--log-level', 'silent'], { cwd: dir, env: { FARAMESH_MCP_SERVERS: 'mcp.yaml' } })
    try {
      const { url } = JSON.parse((await waitForOutput(serve.stdout, /\n/)).trim()) as { url: string }
      const init = await post(`${url}/mcp/files`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cli-test', version: '1' } } })
      expect(init.status).toBe(200)
      expect(await init.text()).toContain('secure-filesystem-server')
      const session = init.headers.get('mcp-session-id')!
      await post(`${url}/mcp/files`, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)
      const call = await post(`${url}/mcp/files`, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_allowed_directories', arguments: {} } }, session)
      expect(await call.text()).toContain(data.split('/').pop()!)
    } finally {
      serve.kill('SIGTERM')
      await exited(serve)
    }
  })

  it('without it, /mcp is not served', async () => {
    const dir = tempDir()
    cleanup.push(dir)
    await cli(['init'], { cwd: dir })
    const serve = start(['serve', '--port', '0', '--json', '--log-level', 'silent'], { cwd: dir })
    try {
      const { url } = JSON.parse((await waitForOutput(serve.stdout, /\n/)).trim()) as { url: string }
      expect((await post(`${url}/mcp/files`, { jsonrpc: '2.0', id: 1, method: 'ping' })).status).toBe(404)
    } finally {
      serve.kill('SIGTERM')
      await exited(serve)
    }
  })
})
