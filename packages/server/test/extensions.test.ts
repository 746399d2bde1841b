// The gateway extension seam (StartOptions.extensions) and the in-process gate it hands out (issue 21): a real
// gateway (startGateway, 127.0.0.1, port 0) with test extensions, on SQLite and, for the approval through another
// gateway, on one Postgres shared by two gateways.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ANONYMOUS, type Principal } from '../src/auth.js'
import { silentLogger } from '../src/logger.js'
import type { MountEnv } from '../src/mounts.js'
import { loadConfig } from '../src/node/config.js'
import type { GatewayExtension, GatewayExtensionFactory, GatewayExtensionHost } from '../src/node/extensions.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: delete_all }
    deny: true
  - match: { tool: "mcp:files", op: write_file }
    require_approval: true
  - match: { tool: "mcp:files", op: read_file }
    allow: true
`
const TOKENS = { a1: 'tok-a1', a2: 'tok-a2', approver: 'tok-approver', admin: 'tok-admin' }
const A1: Principal = { name: 'bot1', role: 'agent', kind: 'scoped', agentId: 'a1' }
const APPROVER: Principal = { name: 'alice', role: 'approver', kind: 'scoped', agentId: null }
const ADMIN: Principal = { name: 'root', role: 'admin', kind: 'scoped', agentId: null }

let dir: string
const handles: GatewayHandle[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-ext-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot1', role: 'agent', sha256: hashToken(TOKENS.a1), agent_id: 'a1' },
        { name: 'bot2', role: 'agent', sha256: hashToken(TOKENS.a2), agent_id: 'a2' },
        { name: 'alice', role: 'approver', sha256: hashToken(TOKENS.approver) },
        { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) },
      ],
    }),
  )
})
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close()
  rmSync(dir, { recursive: true, force: true })
})

async function start(extensions: GatewayExtensionFactory[], env: Record<string, string> = {}): Promise<GatewayHandle> {
  const h = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_TOKENS_FILE: 'tokens.json', ...env }, dir), { logger: silentLogger, extensions })
  handles.push(h)
  return h
}

const api = async (h: GatewayHandle, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed }
}

/** An extension whose sub-app echoes what the gateway gave it; records its host and when it was closed. */
function echoExtension(record: { host?: GatewayExtensionHost; closedWhileLedgerOpen?: boolean; closed?: number }): GatewayExtensionFactory {
  return async (host) => {
    record.host = host
    const sub = new Hono<{ Bindings: MountEnv }>()
    sub.all('*', async (c) =>
      c.json({ path: new URL(c.req.url).pathname, principal: c.env.principal, body: c.req.method === 'POST' ? await c.req.text() : null }),
    )
    return {
      name: 'echo',
      mounts: [{ prefix: '/echo/', permission: 'submit', app: sub }],
      async close() {
        // The ledger must still be open: an extension withdraws its held calls here (a denied submit is recorded too).
        record.closedWhileLedgerOpen = await host.gateFor(A1).submit({ agent_id: 'a1', tool: 'mcp:files', operation: 'delete_all' }, `close-${Date.now()}`).then(
          (a) => a.status === 'denied',
          () => false,
        )
        record.closed = (record.closed ?? 0) + 1
      },
    }
  }
}

describe('gateway extensions', () => {
  it('mount: the gateway authenticates and checks the permission first; the sub-app gets the request and the principal', async () => {
    const rec: Parameters<typeof echoExtension>[0] = {}
    const h = await start([echoExtension(rec)])
    const ok = await api(h, 'POST', '/echo/files?x=1', TOKENS.a1, '{"jsonrpc":"2.0"}', { 'x-faramesh-principal': 'root' })
    expect(ok).toMatchObject({ status: 200, body: { path: '/echo/files', principal: A1, body: '{"jsonrpc":"2.0"}' } })
    expect((await api(h, 'GET', '/echo', TOKENS.admin)).body.principal).toEqual(ADMIN)
    expect(await api(h, 'POST', '/echo/files', undefined, '{}')).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } })
    expect(await api(h, 'POST', '/echo/files', TOKENS.approver, '{}')).toMatchObject({ status: 403, body: { detail: 'Role approver may not submit' } })
    expect((await api(h, 'POST', '/echo/files', 'not-a-token', '{}')).status).toBe(401)
    expect(rec.host!.config.mcpServersPath).toBeNull()
    expect(rec.host!.publicUrl).toBe(h.url)
  })

  it('open loopback mode: the anonymous admin, with the cross-site check of protected routes', async () => {
    rmSync(join(dir, 'tokens.json'))
    const h = await start([echoExtension({})], { FARAMESH_TOKENS_FILE: '' })
    expect((await api(h, 'POST', '/echo/x', undefined, '{}')).body.principal).toEqual(ANONYMOUS)
    const cross = await api(h, 'POST', '/echo/x', undefined, '{}', { origin: 'https://evil.example' })
    expect(cross.status).toBe(403)
  })

  it('a factory that throws stops the start with its message; the extensions made before it are closed', async () => {
    const rec: Parameters<typeof echoExtension>[0] = {}
    const failing: GatewayExtensionFactory = async () => {
      throw new Error('FARAMESH_MCP_SERVERS: servers.yaml line 3: unknown key "comand"')
    }
    await expect(start([echoExtension(rec), failing])).rejects.toThrow('FARAMESH_MCP_SERVERS: servers.yaml line 3: unknown key "comand"')
    expect(rec.closed).toBe(1)
    // Nothing holds the store: a gateway starts on it at once.
    const h = await start([])
    expect((await api(h, 'GET', '/health')).status).toBe(200)
  })

  it('refuses a mount prefix that is not a clean path or belongs to the gateway', async () => {
    for (const prefix of ['/v1/actions/', 'mcp/', '/mcp', '/', '/v1/', '/MCP/', '/mcp/../v1/']) {
      const ext: GatewayExtensionFactory = async () => ({ name: 'bad', mounts: [{ prefix, permission: 'submit', app: new Hono() }], close: async () => {} })
      await expect(start([ext]), prefix).rejects.toThrow(/gateway mount/)
    }
  })

  it('/openapi.json lists what a mount documents, never over the gateway\'s own paths; a path outside the prefix is refused', async () => {
    const documented = (openapi: Record<string, Record<string, unknown>>): GatewayExtensionFactory => async () => ({
      name: 'doc',
      mounts: [{ prefix: '/echo/', permission: 'submit', app: new Hono(), openapi }],
      close: async () => {},
    })
    const h = await start([documented({ '/echo/{name}': { post: { summary: 'Echo a message' } } })])
    const spec = (await api(h, 'GET', '/openapi.json')).body
    expect(spec.paths['/echo/{name}']).toEqual({ post: { summary: 'Echo a message' } })
    expect(spec.paths['/v1/actions'].post.summary).toBe('Submit an action for a decision')
    await h.close()
    handles.splice(0)
    await expect(start([documented({ '/v1/actions': { post: { summary: 'hijacked' } } })])).rejects.toThrow(/outside its prefix/)
  })

  it('extensions are closed when the gateway stops, before the ledger closes; FARAMESH_MCP_SERVERS and FARAMESH_PUBLIC_URL reach the host', async () => {
    const rec: Parameters<typeof echoExtension>[0] = {}
    const h = await start([echoExtension(rec)], { FARAMESH_MCP_SERVERS: 'mcp.yaml', FARAMESH_PUBLIC_URL: 'https://gw.example.com/' })
    expect(rec.host!.config.mcpServersPath).toBe(join(dir, 'mcp.yaml'))
    expect(rec.host!.publicUrl).toBe('https://gw.example.com')
    await h.close()
    handles.splice(0)
    expect(rec).toMatchObject({ closed: 1, closedWhileLedgerOpen: true })
  })
})

describe('the in-process gate (gateFor)', () => {
  let h: GatewayHandle
  let host: GatewayExtensionHost
  beforeEach(async () => {
    const rec: { host?: GatewayExtensionHost } = {}
    h = await start([echoExtension(rec)])
    host = rec.host!
  })
  const req = (operation: string, extra: Record<string, unknown> = {}) => ({ agent_id: 'a1', tool: 'mcp:files', operation, params: { path: 'a.txt' }, context: { mcp: { server: 'files' } }, ...extra })
  const events = async (id: string) => (await api(h, 'GET', `/v1/actions/${id}/events`, TOKENS.admin)).body as any[]

  it('an allowed call is started in the same commit under this gateway\'s lease, and its report finishes it', async () => {
    const gate = host.gateFor(A1)
    const a = await gate.submit({ tool: 'mcp:files', operation: 'read_file', params: { path: 'a.txt' } } as any, 'k-1')
    expect(a).toMatchObject({ status: 'executing', agent_id: 'a1', approval_token: null })
    const ev = await events(a.id)
    expect(ev.map((e) => [e.event_type, e.seq - ev[0].seq])).toEqual([['created', 0], ['decision_made', 1], ['started', 2]])
    expect(ev[0].meta.holder).toBe(h.app.runner.leaseId)
    expect(ev[2].meta).toMatchObject({ executor: 'mcp', gateway: h.app.runner.leaseId, by: 'bot1' })
    expect(await gate.start(a.id)).toBe('started')
    await gate.report(a.id, { success: true, result: { mcp: { bytes: 5, sha256: 'ab' } } })
    expect((await api(h, 'GET', `/v1/actions/${a.id}`, TOKENS.admin)).body).toMatchObject({ status: 'succeeded', result: { mcp: { bytes: 5 } } })
    // The same key again gets the same action back; reporting twice is refused.
    expect((await gate.submit({ tool: 'mcp:files', operation: 'read_file', params: { path: 'a.txt' } } as any, 'k-1')).id).toBe(a.id)
    await expect(gate.report(a.id, { success: true })).rejects.toMatchObject({ status: 409 })
    expect((await api(h, 'GET', '/v1/ledger/verify', TOKENS.admin)).body).toMatchObject({ ok: true })
  })

  it('a call started at submit that left executing before its report (failed by a sweep meanwhile) is refused 409 with its status; nothing is overwritten', async () => {
    const gate = host.gateFor(A1)
    const a = await gate.submit(req('read_file'), 'k-report-race')
    expect(a.status).toBe('executing')
    // What the orphan sweep of a restarted gateway does to an execution it finds (the ledger's own compare-and-set).
    await h.ledger.transition(a.id, { from: ['executing'], to: 'failed', patch: { error: 'reported elsewhere' }, event: { event_type: 'failed', meta: { by: 'sweep' } } })
    await expect(gate.report(a.id, { success: true, result: { mcp: { bytes: 1 } } })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/it is failed/) })
    expect((await api(h, 'GET', `/v1/actions/${a.id}`, TOKENS.admin)).body).toMatchObject({ status: 'failed', error: 'reported elsewhere', result: null })
    // Another principal's gate never reports it, started or not.
    const other = host.gateFor({ name: 'bot2', role: 'agent', kind: 'scoped', agentId: 'a2' })
    const b = await gate.submit(req('read_file'), 'k-report-other')
    await expect(other.report(b.id, { success: true })).rejects.toMatchObject({ status: 403 })
    await gate.report(b.id, { success: true })
    expect((await api(h, 'GET', '/v1/ledger/verify', TOKENS.admin)).body).toMatchObject({ ok: true })
  })

  it('a held call waits on the ledger until a person decides; the approval releases it and start is a compare-and-set', async () => {
    const gate = host.gateFor(A1)
    const a = await gate.submit(req('write_file'), 'k-2')
    expect(a).toMatchObject({ status: 'pending_approval', approval_token: null })
    expect((await events(a.id))[0].meta.holder).toBe(h.app.runner.leaseId)
    const waited = gate.waitForDecision(a.id, new AbortController().signal)
    let settled = false
    void waited.then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 200))
    expect(settled).toBe(false)
    expect((await api(h, 'POST', `/v1/actions/${a.id}/approval`, TOKENS.approver, { approve: true })).body.status).toBe('approved')
    expect(await waited).toMatchObject({ id: a.id, status: 'approved' })
    expect(await gate.start(a.id)).toBe('started')
    expect(await gate.start(a.id)).toBe('started') // still ours, as an allowed call's
    expect((await events(a.id)).at(-1)).toMatchObject({ event_type: 'started', meta: { executor: 'mcp', gateway: h.app.runner.leaseId } })
    await gate.report(a.id, { success: false, error: 'mcp error -32603: boom' })
    expect((await api(h, 'GET', `/v1/actions/${a.id}`, TOKENS.admin)).body).toMatchObject({ status: 'failed', error: 'mcp error -32603: boom' })
  })

  it('withdraw: the held call times out, cannot be approved or started; too late once decided; a wait can be aborted', async () => {
    const gate = host.gateFor(A1)
    const a = await gate.submit(req('write_file'), 'k-3')
    const ac = new AbortController()
    const waited = gate.waitForDecision(a.id, ac.signal)
    ac.abort(new Error('client went away'))
    await expect(waited).rejects.toThrow('client went away')
    expect(await gate.withdraw(a.id, 'MCP client cancelled')).toBe('withdrawn')
    expect(await gate.withdraw(a.id, 'again')).toBe('too_late')
    expect((await events(a.id)).at(-1)).toMatchObject({ event_type: 'timeout', meta: { reason: 'withdrawn', detail: 'MCP client cancelled' } })
    expect((await api(h, 'POST', `/v1/actions/${a.id}/approval`, TOKENS.approver, { approve: true })).status).toBe(409)
    expect(await gate.start(a.id)).toBe('closed')
    expect(await gate.waitForDecision(a.id, new AbortController().signal)).toMatchObject({ status: 'timeout' })
    const b = await gate.submit(req('write_file'), 'k-4')
    await api(h, 'POST', `/v1/actions/${b.id}/approval`, TOKENS.approver, { approve: false, reason: 'not on Fridays' })
    // As sdkGate: the person's reason and who decided.
    expect(await gate.waitForDecision(b.id, new AbortController().signal)).toMatchObject({ status: 'denied', reason: 'not on Fridays', decided_by: 'alice' })
    expect(await gate.withdraw(b.id, 'late')).toBe('too_late')
    expect(await gate.start(b.id)).toBe('closed')
    // Approved, then the client gave up before it was forwarded: reported as not run.
    const c = await gate.submit(req('write_file'), 'k-4c')
    await api(h, 'POST', `/v1/actions/${c.id}/approval`, TOKENS.approver, { approve: true })
    expect(await gate.withdraw(c.id, 'gave up')).toBe('too_late')
    await gate.report(c.id, { success: false, error: 'not executed: MCP client gave up before forwarding' })
    expect((await api(h, 'GET', `/v1/actions/${c.id}`, TOKENS.admin)).body).toMatchObject({ status: 'failed', error: 'not executed: MCP client gave up before forwarding' })
    await expect(gate.report(c.id, { success: true })).rejects.toMatchObject({ status: 409 })
  })

  it('authenticate: a credential resolves as the gateway would, and a revoked one stops resolving', async () => {
    expect(host.authenticate(TOKENS.a1)).toEqual(A1)
    expect(() => host.authenticate('nope')).toThrow(expect.objectContaining({ status: 401 }))
    expect(() => host.authenticate(undefined)).toThrow(expect.objectContaining({ status: 401 }))
    writeFileSync(
      join(dir, 'tokens.json'),
      JSON.stringify({ version: 1, tokens: [{ name: 'bot1', role: 'agent', sha256: hashToken(TOKENS.a1), agent_id: 'a1', revoked_at: '2026-01-01T00:00:00Z' }, { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) }] }),
    )
    const end = Date.now() + 10_000
    for (;;) {
      try {
        host.authenticate(TOKENS.a1)
      } catch (err) {
        expect(err).toMatchObject({ status: 401 })
        break
      }
      if (Date.now() > end) throw new Error('the revoked token still authenticates')
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(host.authenticate(TOKENS.admin)).toEqual(ADMIN)
  })

  it('acts only as its principal: an agent cannot act as or for another agent; wrong roles are refused', async () => {
    const gate = host.gateFor(A1)
    await expect(gate.submit(req('read_file', { agent_id: 'a2' }), 'k-5')).rejects.toMatchObject({ status: 403 })
    await expect(gate.submit(req('read_file', { agent_id: undefined, context: { agent_id: 'a2' } }), 'k-6')).rejects.toMatchObject({ status: 403 })
    await expect(gate.deniedOperations('a2', 'mcp:files', ['read_file'], {})).rejects.toMatchObject({ status: 403 })
    const other = await host.gateFor({ name: 'bot2', role: 'agent', kind: 'scoped', agentId: 'a2' }).submit(req('write_file', { agent_id: 'a2' }), 'k-7')
    await expect(gate.withdraw(other.id, 'not mine')).rejects.toMatchObject({ status: 403 })
    await expect(gate.waitForDecision(other.id, new AbortController().signal)).rejects.toMatchObject({ status: 403 })
    await expect(gate.start(other.id)).rejects.toMatchObject({ status: 403 })
    await expect(gate.report(other.id, { success: true })).rejects.toMatchObject({ status: 403 })
    const approver = host.gateFor(APPROVER)
    await expect(approver.submit(req('read_file'), 'k-8')).rejects.toMatchObject({ status: 403 })
    await expect(approver.deniedOperations('a1', 'mcp:files', ['x'], {})).rejects.toMatchObject({ status: 403 })
    await expect(approver.withdraw(other.id, 'x')).rejects.toMatchObject({ status: 403 })
    // An admin may act for any agent, and withdraw anyone's call.
    expect(await host.gateFor(ADMIN).withdraw(other.id, 'admin')).toBe('withdrawn')
  })

  it('bad input is refused with a typed error, never recorded', async () => {
    const gate = host.gateFor(A1)
    const before = (await api(h, 'GET', '/v1/actions', TOKENS.admin)).body.length
    await expect(gate.submit({ agent_id: 'a1', tool: 'mcp:files' } as any, 'k-9')).rejects.toMatchObject({ status: 422 })
    await expect(gate.submit(req('read_file', { params: [] }), 'k-10')).rejects.toMatchObject({ status: 422 })
    await expect(gate.submit(req('read_file'), '')).rejects.toMatchObject({ status: 422 })
    await expect(gate.submit(req('read_file'), 'x'.repeat(256))).rejects.toMatchObject({ status: 422 })
    expect((await api(h, 'GET', '/v1/actions', TOKENS.admin)).body.length).toBe(before)
    const a = await gate.submit(req('read_file'), 'k-11')
    await expect(gate.report(a.id, { success: 'yes' } as any)).rejects.toMatchObject({ status: 422 })
    await expect(gate.report(a.id, { success: false, error: 'e'.repeat(70_000) })).rejects.toMatchObject({ status: 422 })
    await expect(gate.waitForDecision('no-such-action', new AbortController().signal)).rejects.toMatchObject({ status: 404 })
    await expect(gate.start('no-such-action')).rejects.toMatchObject({ status: 404 })
  })

  it('deniedOperations: the operations denied whatever their params, for this agent', async () => {
    const gate = host.gateFor(A1)
    expect(await gate.deniedOperations('a1', 'mcp:files', ['delete_all', 'write_file', 'read_file', 'list'], {})).toEqual(['delete_all', 'list'])
    expect(await gate.deniedOperations('a1', 'mcp:files', [], {})).toEqual([])
    const many = Array.from({ length: 2500 }, (_, i) => `op${i}`)
    expect(await gate.deniedOperations('a1', 'mcp:files', many, {})).toHaveLength(2500)
  })
})

describe('two gateways on one Postgres', () => {
  let pg: PostgresInstance
  beforeAll(async () => {
    pg = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await pg?.stop()
  })

  it('a call held on A is released by an approval given through B', async () => {
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn, FARAMESH_SIGNING_KEY_FILE: join(dir, 'key.pem') }
    const rec: { host?: GatewayExtensionHost } = {}
    await start([echoExtension(rec)], env)
    const b = await start([], env)
    const gate = rec.host!.gateFor(A1)
    const a = await gate.submit(req() as any, 'pg-1')
    expect(a.status).toBe('pending_approval')
    const t0 = Date.now()
    const waited = gate.waitForDecision(a.id, new AbortController().signal)
    await new Promise((r) => setTimeout(r, 100))
    expect((await api(b, 'POST', `/v1/actions/${a.id}/approval`, TOKENS.approver, { approve: true })).body.status).toBe('approved')
    expect(await waited).toMatchObject({ status: 'approved' })
    // Through the change feed (LISTEN/NOTIFY), not the 5 s safety poll.
    expect(Date.now() - t0).toBeLessThan(4000)
    expect(await gate.start(a.id)).toBe('started')
  }, 60_000)

  it('withdraw on A racing an approval through B: exactly one wins, every time', async () => {
    const env = { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn, FARAMESH_SIGNING_KEY_FILE: join(dir, 'key.pem') }
    const rec: { host?: GatewayExtensionHost } = {}
    await start([echoExtension(rec)], env)
    const b = await start([], env)
    const gate = rec.host!.gateFor(A1)
    for (let i = 0; i < 10; i++) {
      const a = await gate.submit(req() as any, `race-${i}`)
      const [w, approval] = await Promise.all([
        gate.withdraw(a.id, 'client cancelled'),
        api(b, 'POST', `/v1/actions/${a.id}/approval`, TOKENS.approver, { approve: true }),
      ])
      const final = (await api(b, 'GET', `/v1/actions/${a.id}`, TOKENS.admin)).body.status
      if (w === 'withdrawn') expect([approval.status, final]).toEqual([409, 'timeout'])
      else expect([w, approval.status, final]).toEqual(['too_late', 200, 'approved'])
    }
    expect((await api(b, 'GET', '/v1/ledger/verify', TOKENS.admin)).body).toMatchObject({ ok: true })
  }, 60_000)

  function req() {
    return { tool: 'mcp:files', operation: 'write_file', params: { path: 'a.txt' } }
  }
})
