// Open loopback mode (no token configured, the default of `pnpm start`) makes every caller the admin. A caller is
// then anyone who can reach 127.0.0.1, and that includes every web page the developer's browser shows: with CORS on
// by default (origin *), a page on any site could read every action and, worse, submit a shell command, approve it
// and start it, so that the gateway's shell executor ran it — a drive-by command execution. The Origin header of a
// browser request, and the Host header a DNS-rebinding page sends, tell such requests apart: in open mode a protected
// route answers a request from another site with 403. Requests with a token are unaffected (a token is no ambient
// credential a page can borrow), and so are curl, the SDKs and the dashboard the gateway serves itself.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'
import { eventually, POLICY } from './helpers.js'

let dir: string
let open: GatewayHandle
let authed: GatewayHandle
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-xsite-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  open = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARA_SQLITE_PATH: 'open.db' }, dir), { logger: silentLogger })
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ tokens: [{ name: 'root', role: 'admin', sha256: hashToken('admin-tok') }] }))
  authed = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARA_SQLITE_PATH: 'authed.db', FARAMESH_TOKENS_FILE: 'tokens.json' }, dir), {
    logger: silentLogger,
  })
})
afterAll(async () => {
  await open?.close()
  await authed?.close()
  rmSync(dir, { recursive: true, force: true })
})

type Json = Record<string, any>
/** node:http rather than fetch: fetch sets Host itself, and a DNS-rebinding page's Host is part of the test. */
function req(gw: GatewayHandle, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<{ status: number; body: Json; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const r = request(
      { host: '127.0.0.1', port: gw.port, method, path, headers: { ...(data === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) }), ...headers } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as Json, headers: res.headers }))
      },
    )
    r.on('error', reject)
    r.end(data)
  })
}

const EVIL = { origin: 'https://evil.example' }

describe('open loopback mode and other sites', () => {
  it('a page on another site cannot submit, approve and start a shell command', async () => {
    const marker = join(dir, 'pwned')
    const before = await open.ledger.countActions()
    const sub = await req(open, 'POST', '/v1/actions', EVIL, { agent_id: 'page', tool: 'shell', operation: 'run', params: { cmd: `touch ${marker}` } })
    expect(sub.status).toBe(403)
    expect(sub.body.detail).toMatch(/another site/)
    // A text/plain POST is a "simple" request: a browser sends it without a CORS preflight, even with CORS off.
    const plain = await req(open, 'POST', '/v1/actions', { ...EVIL, 'content-type': 'text/plain' }, { agent_id: 'page', tool: 'shell', operation: 'run', params: { cmd: `touch ${marker}` } })
    expect(plain.status).toBe(403)
    expect(await open.ledger.countActions()).toBe(before)

    // An action that does exist (submitted by a local client) cannot be approved or started from the page either.
    const local = await req(open, 'POST', '/v1/actions', {}, { agent_id: 'cli', tool: 'shell', operation: 'run', params: { cmd: `touch ${marker}` } })
    expect(local.body.status).toBe('pending_approval')
    expect((await req(open, 'POST', `/v1/actions/${local.body.id}/approval`, EVIL, { approve: true })).status).toBe(403)
    expect((await req(open, 'POST', `/v1/actions/${local.body.id}/start`, EVIL, {})).status).toBe(403)
    expect((await open.ledger.getAction(local.body.id))?.status).toBe('pending_approval')
    expect(existsSync(marker)).toBe(false)
  })

  it('a page on another site cannot read actions, and the answer grants it no CORS read', async () => {
    for (const path of ['/v1/actions', '/v1/policy/info', '/v1/ledger/export', '/metrics']) {
      const r = await req(open, 'GET', path, EVIL)
      expect(r.status, path).toBe(403)
    }
  })

  it('a DNS-rebinding page (its own name in Host, no Origin on a GET) is refused too', async () => {
    const r = await req(open, 'GET', '/v1/actions', { host: `evil.example:${open.port}` })
    expect(r.status).toBe(403)
    const post = await req(open, 'POST', '/v1/actions', { host: `evil.example:${open.port}`, origin: `http://evil.example:${open.port}` }, { agent_id: 'a', tool: 'http', operation: 'get' })
    expect(post.status).toBe(403)
    // Without an Origin a POST takes the node fast lane: the Host check holds there too.
    const fast = await req(open, 'POST', '/v1/actions', { host: `evil.example:${open.port}` }, { agent_id: 'a', tool: 'http', operation: 'get' })
    expect(fast.status).toBe(403)
    expect(fast.body.detail).toMatch(/Host evil\.example/)
  })

  it('local clients are unaffected: no Origin, a loopback Origin (dashboard dev server), the same origin', async () => {
    expect((await req(open, 'GET', '/v1/actions', {})).status).toBe(200)
    expect((await req(open, 'GET', '/v1/actions', { origin: 'http://localhost:5173' })).status).toBe(200)
    expect((await req(open, 'GET', '/v1/actions', { origin: `http://127.0.0.1:${open.port}` })).status).toBe(200)
    expect((await req(open, 'GET', '/v1/actions', { host: `localhost:${open.port}`, origin: `http://localhost:${open.port}` })).status).toBe(200)
    const sub = await req(open, 'POST', '/v1/actions', { origin: 'http://[::1]:5173' }, { agent_id: 'a', tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
    expect(sub.status).toBe(200)
    // Unprotected routes answer anyone.
    expect((await req(open, 'GET', '/health', EVIL)).status).toBe(200)
  })

  it('with auth on, a request from another site that carries a token is served as before', async () => {
    const r = await req(authed, 'GET', '/v1/actions', { ...EVIL, authorization: 'Bearer admin-tok' })
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-origin']).toBe('*')
    expect((await req(authed, 'GET', '/v1/actions', EVIL)).status).toBe(401)
  })

  it('an origin the operator names in FARAMESH_CORS_ORIGINS is trusted; `*` trusts no one in particular', async () => {
    const named = await startGateway(
      loadConfig({ FARAMESH_PORT: '0', FARA_SQLITE_PATH: 'named.db', FARAMESH_CORS_ORIGINS: 'https://dash.example' }, dir),
      { logger: silentLogger },
    )
    try {
      const ok = await req(named, 'GET', '/v1/actions', { origin: 'https://dash.example' })
      expect(ok.status).toBe(200)
      expect(ok.headers['access-control-allow-origin']).toBe('https://dash.example')
      expect((await req(named, 'GET', '/v1/actions', EVIL)).status).toBe(403)
    } finally {
      await named.close()
    }
    expect((await req(open, 'GET', '/v1/actions', { origin: 'https://dash.example' })).status).toBe(403) // FARAMESH_CORS_ORIGINS=*
  })

})

it('the shell executor is on in this configuration (what made the page dangerous)', async () => {
  const local = await req(open, 'POST', '/v1/actions', {}, { agent_id: 'cli', tool: 'shell', operation: 'run', params: { cmd: 'echo safe' } })
  expect(local.body.status).toBe('allowed')
  await req(open, 'POST', `/v1/actions/${local.body.id}/start`, {}, {})
  await eventually(async () => (await open.ledger.getAction(local.body.id))?.status === 'succeeded')
})
