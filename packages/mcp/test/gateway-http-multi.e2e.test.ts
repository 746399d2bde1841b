// Several gateways and restarts: two gateways on one Postgres (a call held on A is approved through B's API and
// completes on A), a graceful restart (the held call is withdrawn, never run later) and a crash (kill -9 of a gateway
// process holding the call: the next start times it out; approving it is refused; it never runs).
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { CoreClient } from '@faramesh/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  FS_BIN,
  TOKENS,
  gatewayFolder,
  mcpClient,
  startMcpGateway,
  stopChild,
  until,
  type McpGateway,
} from './http-gateway.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: "write_file" }
    require_approval: true
    description: "Writing files needs a person"
  - match: { tool: "mcp:files", op: "*" }
    allow: true
  - match: { tool: "*", op: "*" }
    deny: true
`

let data: string
const dirs: string[] = []
const open: McpGateway[] = []
const procs: ChildProcess[] = []

beforeAll(() => {
  data = mkdtempSync(join(tmpdir(), 'faramesh-mcp-multi-'))
})
afterEach(async () => {
  for (const g of open.splice(0)) await g.close().catch(() => undefined)
  for (const p of procs.splice(0)) await stopChild(p)
})
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  rmSync(data, { recursive: true, force: true })
})

const folder = () => {
  const d = gatewayFolder(
    POLICY,
    `files:\n  command: "${process.execPath}"\n  args: ["${FS_BIN}", "${data}"]\n`,
  )
  dirs.push(d)
  return d
}
const client = (url: string, token: string) =>
  new CoreClient({ baseUrl: url, token, maxRetries: 1, retryBackoffFactor: 0.05, timeoutMs: 5000 })
const heldOn = (url: string) =>
  until(
    async () =>
      (
        await client(url, TOKENS.admin).listActions({
          tool: 'mcp:files',
          status: 'pending_approval',
          limit: 10,
        })
      )[0],
    10_000,
    'a held action',
  )
const statusOf = async (url: string, id: string) => (await client(url, TOKENS.admin).getAction(id)).status

describe('two gateways on one Postgres', () => {
  let pg: PostgresInstance
  beforeAll(async () => {
    pg = await startPostgres()
  })
  afterAll(async () => {
    await pg?.stop()
  })

  it('a call held on A, approved through B’s API, completes on A', async () => {
    const dir = folder()
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn }
    const a = await startMcpGateway(dir, env)
    open.push(a)
    const b = await startMcpGateway(dir, env)
    open.push(b)
    const c = await mcpClient(a.url, 'files', { token: TOKENS.a1 })
    const target = join(data, 'via-b.txt')
    try {
      const call = c.client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'approved on B' },
      })
      const held = await heldOn(b.url)
      expect(existsSync(target)).toBe(false)
      await client(b.url, TOKENS.approver).approveAction(held.id)
      const r = await call
      expect(r.isError).toBeFalsy()
      expect(readFileSync(target, 'utf8')).toBe('approved on B')
      await until(async () => ((await statusOf(b.url, held.id)) === 'succeeded' ? true : undefined))
    } finally {
      await c.close()
    }
  })
})

describe('a gateway restart while a call is held', () => {
  it('graceful: the held call is withdrawn at shutdown; after the restart approving it is refused and it never runs', async () => {
    const dir = folder()
    const g1 = await startMcpGateway(dir)
    const c = await mcpClient(g1.url, 'files', { token: TOKENS.a1 })
    const target = join(data, 'graceful.txt')
    const call = c.client
      .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })
      .catch((e: unknown) => e)
    const held = await heldOn(g1.url)
    await g1.close()
    await call
    await c.close()
    const g2 = await startMcpGateway(dir)
    open.push(g2)
    expect(await statusOf(g2.url, held.id)).toBe('timeout')
    await expect(client(g2.url, TOKENS.approver).approveAction(held.id)).rejects.toMatchObject({
      statusCode: 409,
    })
    await new Promise((r) => setTimeout(r, 500))
    expect(existsSync(target)).toBe(false)
  })

  it('crash (kill -9): the next start times the held call out; approving it is refused and it never runs', async () => {
    const dir = folder()
    const env = {
      ...process.env,
      FARAMESH_TOKENS_FILE: join(dir, 'tokens.json'),
      FARAMESH_MCP_SERVERS: 'mcp-servers.yaml',
    }
    const start = () =>
      new Promise<{ p: ChildProcess; url: string; released: Promise<number> }>((resolve, reject) => {
        const p = fork(new URL('./fixtures/mcp-gateway-process.mjs', import.meta.url).pathname, [], {
          cwd: dir,
          env,
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        })
        procs.push(p)
        let resolveReleased!: (n: number) => void
        const released = new Promise<number>((r) => (resolveReleased = r))
        const t = setTimeout(() => reject(new Error('the gateway process did not start in 20 s')), 20_000)
        p.on('message', (m: { url?: string; releasedHolds?: number }) => {
          if (m.url) (clearTimeout(t), resolve({ p, url: m.url, released }))
          if (m.releasedHolds !== undefined) resolveReleased(m.releasedHolds)
        })
        p.once('exit', (code) => (clearTimeout(t), reject(new Error(`the gateway process exited (${code})`))))
      })
    const first = await start()
    const c = await mcpClient(first.url, 'files', { token: TOKENS.a1 })
    const target = join(data, 'crash.txt')
    const call = c.client
      .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })
      .catch((e: unknown) => e)
    const held = await heldOn(first.url)
    first.p.kill('SIGKILL')
    // The client's stream breaks; it may retry its stream for a while, so it is not awaited, only closed.
    void call
    await c.transport.close().catch(() => undefined)
    const second = await start()
    expect(
      await Promise.race([second.released, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]),
    ).toBeGreaterThanOrEqual(1)
    expect(await statusOf(second.url, held.id)).toBe('timeout')
    await expect(client(second.url, TOKENS.approver).approveAction(held.id)).rejects.toMatchObject({
      statusCode: 409,
    })
    await new Promise((r) => setTimeout(r, 500))
    expect(existsSync(target)).toBe(false)
  })
})

describe('sessions end on their own', () => {
  it('an idle session is closed (404 afterwards), but not while a held call keeps its POST open', async () => {
    const dir = folder()
    const g = await startMcpGateway(dir, { FARAMESH_MCP_SESSION_IDLE: '2s' })
    open.push(g)
    const idle = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
    const busy = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
    const target = join(data, 'held-past-idle.txt')
    try {
      const call = busy.client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'still here' },
      })
      const held = await heldOn(g.url)
      // The idle client goes quiet without ending its session: its streams close, the session stays behind.
      const idleId = idle.transport.sessionId!
      await idle.transport.close()
      await new Promise((r) => setTimeout(r, 3500))
      // The idle session is gone: its id is unknown now.
      const r = await fetch(`${g.url}/mcp/files`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${TOKENS.a1}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'Mcp-Session-Id': idleId,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      })
      expect(r.status).toBe(404)
      // The held call's session is not idle: approving it still runs it.
      await client(g.url, TOKENS.approver).approveAction(held.id)
      expect((await call).isError).toBeFalsy()
      expect(readFileSync(target, 'utf8')).toBe('still here')
    } finally {
      await idle.close()
      await busy.close()
    }
  })

  it('a revoked token closes its sessions and withdraws their held calls', async () => {
    const dir = folder()
    const g = await startMcpGateway(dir, { FARAMESH_MCP_SESSION_IDLE: '2s' })
    open.push(g)
    const c = await mcpClient(g.url, 'files', { token: TOKENS.a2 })
    const target = join(data, 'revoked.txt')
    const call = c.client
      .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })
      .catch((e: unknown) => e)
    const held = await heldOn(g.url)
    const file = join(dir, 'tokens.json')
    const tokens = JSON.parse(readFileSync(file, 'utf8')) as {
      tokens: Array<{ name: string; revoked_at?: string }>
    }
    for (const t of tokens.tokens) if (t.name === 'agent-a2') t.revoked_at = new Date().toISOString()
    writeFileSync(file, JSON.stringify(tokens))
    await until(
      async () => ((await statusOf(g.url, held.id)) === 'timeout' ? true : undefined),
      15_000,
      'the withdrawal after revocation',
    )
    void call
    await c.transport.close().catch(() => undefined)
    await expect(client(g.url, TOKENS.approver).approveAction(held.id)).rejects.toMatchObject({
      statusCode: 409,
    })
    expect(existsSync(target)).toBe(false)
  })
})

describe('secrets in what an upstream says', () => {
  it("a child's stderr and its bad output reach the log and the client with the configured secret masked", async () => {
    const SECRET = 'leaky-secret-value-42'
    const script =
      "process.stderr.write('my token is ' + process.env.LEAKY_TOKEN + '\\n'); setTimeout(() => process.stdout.write('not json ' + process.env.LEAKY_TOKEN + '\\n'), 200); setTimeout(() => {}, 5000)"
    const dir = gatewayFolder(
      POLICY,
      `leaky:\n  command: "${process.execPath}"\n  args: ["-e", ${JSON.stringify(script)}]\n  env: { LEAKY_TOKEN: "\${LEAK}" }\n`,
    )
    dirs.push(dir)
    const lines: string[] = []
    const g = await startMcpGateway(dir, { LEAK: SECRET }, { log: (l) => lines.push(l) })
    open.push(g)
    const failed = await mcpClient(g.url, 'leaky', { token: TOKENS.a1 }).then(
      async (c) => (await c.close(), 'connected'),
      (e: unknown) => String(e),
    )
    await until(
      async () => (lines.some((l) => l.includes('my token is')) ? true : undefined),
      5000,
      'the stderr line in the log',
    )
    expect(failed).not.toContain(SECRET)
    expect(failed).not.toBe('connected')
    const log = lines.join('')
    expect(log).toContain('my token is [redacted]')
    expect(log).not.toContain(SECRET)
  })
})
