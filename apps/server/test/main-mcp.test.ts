// The composition: `node dist/main.js` serves /mcp/<name> when FARAMESH_MCP_SERVERS is set (here in .env, with a
// ${VAR} reference also read from .env, as the config resolver reads it), refuses to start on an invalid file, and
// without the variable has no MCP endpoint at all.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const MCP_PKG = fileURLToPath(new URL('../../../packages/mcp/package.json', import.meta.url))
const FS_BIN = join(dirname(createRequire(MCP_PKG).resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist', 'index.js')
const POLICY = 'rules:\n  - match: { tool: "mcp:files", op: "*" }\n    allow: true\n'
const ACCEPT = 'application/json, text/event-stream'

let dir: string
let data: string
const children: Array<ReturnType<typeof spawn>> = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  rmSync(data, { recursive: true, force: true })
})

function setup(dotenv: string, servers?: string) {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-app-mcp-'))
  data = mkdtempSync(join(tmpdir(), 'faramesh-app-mcp-data-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  writeFileSync(join(dir, '.env'), dotenv)
  if (servers !== undefined) writeFileSync(join(dir, 'mcp.yaml'), servers)
}

function run() {
  const child = spawn(process.execPath, [MAIN], { cwd: dir, env: { PATH: process.env.PATH ?? '', INIT_CWD: dir, FARAMESH_PORT: '0' } })
  children.push(child)
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise<number | string | null>((r) => child.on('exit', (code, signal) => r(code ?? signal)))
  const url = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not listening: ${stderr}`)), 20_000)
    child.stderr.on('data', () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(stderr)
      if (m) (clearTimeout(t), resolve(m[1]!))
    })
    void exited.then(() => (clearTimeout(t), reject(new Error(`exited: ${stderr}`))))
  })
  url.catch(() => undefined) // a test that expects a refusal never awaits the URL
  return { child, exited, url, stderr: () => stderr }
}

const post = (url: string, body: unknown, session?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT, ...(session ? { 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-06-18' } : {}) },
    body: JSON.stringify(body),
  })

describe('apps/server main with FARAMESH_MCP_SERVERS', () => {
  it('serves /mcp/<name> from a servers file named in .env, with references read from .env', async () => {
    setup('', `files:\n  command: "${process.execPath}"\n  args: ["${FS_BIN}", "\${FS_DATA_DIR}"]\n`)
    writeFileSync(join(dir, '.env'), `FARAMESH_MCP_SERVERS=mcp.yaml\nFS_DATA_DIR=${data}\n`)
    const p = run()
    const base = await p.url
    const init = await post(`${base}/mcp/files`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'app-test', version: '1' } } })
    expect(init.status).toBe(200)
    await init.text()
    const session = init.headers.get('mcp-session-id')!
    expect((await post(`${base}/mcp/files`, { jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202)
    const call = await post(`${base}/mcp/files`, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_allowed_directories', arguments: {} } }, session)
    expect(await call.text()).toContain(data.split('/').pop()!)
    // Open loopback mode: the agent is the MCP client's clientInfo.name.
    const actions = (await (await fetch(`${base}/v1/actions?tool=mcp:files`)).json()) as Array<{ agent_id: string; context: { mcp: { agent_source: string } } }>
    expect(actions.map((a) => [a.agent_id, a.context.mcp.agent_source])).toEqual([['app-test', 'client_info']])
    expect(p.stderr()).toContain('mcp gateway serving')
    // The route table a client reads lists the MCP endpoints while they are served.
    const paths = ((await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }).paths
    expect(Object.keys(paths['/mcp/{name}']!).sort()).toEqual(['delete', 'get', 'post'])
    expect(paths['/v1/mcp/servers']).toHaveProperty('get')
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
  })

  it('refuses to start on an invalid servers file, naming file, line, server and key but not the value', async () => {
    setup('FARAMESH_MCP_SERVERS=mcp.yaml\n', 'gh:\n  url: https://h.example/mcp\n  headers:\n    Authorization: Bearer literal-secret-123\n')
    const p = run()
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toMatch(/cannot start: FARAMESH_MCP_SERVERS is not valid:\n\s+\S*mcp\.yaml:4: server gh, headers\.Authorization: is a literal credential/)
    expect(p.stderr()).not.toContain('literal-secret-123')
  })

  it('without FARAMESH_MCP_SERVERS there is no /mcp endpoint', async () => {
    setup('')
    const p = run()
    const base = await p.url
    const r = await post(`${base}/mcp/files`, { jsonrpc: '2.0', id: 1, method: 'ping' })
    expect(r.status).toBe(404)
    expect(p.stderr()).not.toContain('mcp gateway serving')
    const paths = ((await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths
    expect(Object.keys(paths).filter((k) => k.includes('mcp'))).toEqual([])
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
  })
})
