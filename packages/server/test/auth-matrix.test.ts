// Role × endpoint: every protected route asserted for no token, each scoped role, and the legacy token.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../src/tokens-file.js'
import { call, makeApp, type TestApp } from './helpers.js'

const TOKENS = { agent: 'tok-agent', agent2: 'tok-agent2', approver: 'tok-approver', auditor: 'tok-auditor', admin: 'tok-admin', legacy: 'tok-legacy' }
type Who = keyof typeof TOKENS | 'none'
let t: TestApp

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'faramesh-tokens-')), 'tokens.json')
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot', role: 'agent', sha256: hashToken(TOKENS.agent), agent_id: 'x' },
        { name: 'bot2', role: 'agent', sha256: hashToken(TOKENS.agent2) },
        { name: 'alice', role: 'approver', sha256: hashToken(TOKENS.approver) },
        { name: 'audrey', role: 'auditor', sha256: hashToken(TOKENS.auditor) },
        { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) },
      ],
    }),
  )
  t = await makeApp({ auth: { tokensFile: file, legacyToken: TOKENS.legacy } })
})
afterAll(async () => {
  await t?.close()
})

const tok = (w: Who) => (w === 'none' ? undefined : TOKENS[w])
const submitAs = async (w: Who, params: object) =>
  (await call(t.app, 'POST', '/v1/actions', { agent_id: 'x', tool: params && 'cmd' in params ? 'shell' : 'http', operation: 'cmd' in params ? 'run' : 'get', params }, tok(w))).body

interface Route {
  name: string
  method: string
  /** Builds the path (and body) fresh for each caller, so state-changing calls have something to change. */
  setup: () => Promise<{ path: string; body?: object }>
  allowed: Who[]
}

const pending = async () => (await submitAs('agent', { cmd: 'ls' })).id as string
const allowedAction = async () => (await submitAs('agent', { url: 'u' })).id as string

const ROUTES: Route[] = [
  { name: 'submit', method: 'POST', setup: async () => ({ path: '/v1/actions', body: { agent_id: 'x', tool: 'http', operation: 'get' } }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'list', method: 'GET', setup: async () => ({ path: '/v1/actions' }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
  { name: 'get', method: 'GET', setup: async () => ({ path: `/v1/actions/${await allowedAction()}` }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
  { name: 'events', method: 'GET', setup: async () => ({ path: `/v1/actions/${await allowedAction()}/events` }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
  { name: 'approval', method: 'POST', setup: async () => ({ path: `/v1/actions/${await pending()}/approval`, body: { approve: true } }), allowed: ['approver', 'admin', 'legacy'] },
  { name: 'start', method: 'POST', setup: async () => ({ path: `/v1/actions/${await allowedAction()}/start` }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'result', method: 'POST', setup: async () => ({ path: `/v1/actions/${await allowedAction()}/result`, body: { success: true } }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'withdraw', method: 'POST', setup: async () => ({ path: `/v1/actions/${await pending()}/withdraw`, body: { detail: 'gave up' } }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'gate/operations', method: 'POST', setup: async () => ({ path: '/v1/gate/operations', body: { agent_id: 'x', tool: 'shell', operations: ['run'] } }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'gate/decide', method: 'POST', setup: async () => ({ path: '/v1/gate/decide', body: { agent_id: 'x', tool: 'http', operation: 'get' } }), allowed: ['agent', 'admin', 'legacy'] },
  { name: 'metrics', method: 'GET', setup: async () => ({ path: '/metrics' }), allowed: ['auditor', 'admin', 'legacy'] },
  { name: 'policy info', method: 'GET', setup: async () => ({ path: '/v1/policy/info' }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
  { name: 'checkpoints', method: 'GET', setup: async () => ({ path: '/v1/ledger/checkpoints' }), allowed: ['auditor', 'admin', 'legacy'] },
  { name: 'verify', method: 'GET', setup: async () => ({ path: '/v1/ledger/verify' }), allowed: ['auditor', 'admin', 'legacy'] },
  { name: 'export', method: 'GET', setup: async () => ({ path: '/v1/ledger/export' }), allowed: ['auditor', 'admin', 'legacy'] },
  { name: 'whoami', method: 'GET', setup: async () => ({ path: '/v1/auth/whoami' }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
  { name: 'playground eval', method: 'POST', setup: async () => ({ path: '/playground/eval', body: { agent_id: 'x', tool: 'http', operation: 'get' } }), allowed: ['agent', 'approver', 'auditor', 'admin', 'legacy'] },
]
const CALLERS: Who[] = ['none', 'agent', 'approver', 'auditor', 'admin', 'legacy']

describe.each(ROUTES)('$method $name', (route) => {
  it.each(CALLERS)('as %s', async (who) => {
    const { path, body } = await route.setup()
    const r = await call(t.app, route.method, path, body, tok(who))
    if (who === 'none') {
      expect(r.status).toBe(401)
      expect(r.body).toEqual({ detail: 'Unauthorized' })
    } else if (route.allowed.includes(who)) {
      expect(r.status).toBe(200)
    } else {
      expect(r.status).toBe(403)
      expect(r.body.detail).toEqual(expect.any(String))
    }
  })
})

describe('SSE stream by role', () => {
  it.each(CALLERS)('as %s', async (who) => {
    const res = await t.app.request('/v1/events', { headers: who === 'none' ? {} : { authorization: `Bearer ${tok(who)}` } })
    const expected = who === 'none' ? 401 : ['approver', 'auditor', 'admin', 'legacy'].includes(who) ? 200 : 403
    expect(res.status).toBe(expected)
    await res.body?.cancel()
  })
})

describe('auth details', () => {
  it('rejects an unknown token with 401 and public routes need none', async () => {
    expect((await call(t.app, 'GET', '/v1/actions', undefined, 'nope')).status).toBe(401)
    for (const p of ['/health', '/ready', '/openapi.json', '/playground', '/v1/ledger/public-key']) {
      expect((await call(t.app, 'GET', p)).status).toBe(200)
    }
  })

  it('whoami names the principal', async () => {
    expect((await call(t.app, 'GET', '/v1/auth/whoami', undefined, TOKENS.approver)).body).toMatchObject({ name: 'alice', role: 'approver' })
    expect((await call(t.app, 'GET', '/v1/auth/whoami', undefined, TOKENS.legacy)).body).toMatchObject({ role: 'admin', agent_id: null })
    expect((await call(t.app, 'GET', '/v1/auth/whoami', undefined, TOKENS.agent)).body).toMatchObject({ name: 'bot', role: 'agent', agent_id: 'x' })
  })

  it('an agent reads, starts and reports only its own actions', async () => {
    const id = await allowedAction()
    for (const [m, p, b] of [
      ['GET', `/v1/actions/${id}`],
      ['GET', `/v1/actions/${id}/events`],
      ['POST', `/v1/actions/${id}/start`],
      ['POST', `/v1/actions/${id}/result`, { success: true }],
    ] as const) {
      expect((await call(t.app, m, p, b, TOKENS.agent2)).status).toBe(403)
    }
    const list = await call(t.app, 'GET', '/v1/actions?limit=1000', undefined, TOKENS.agent2)
    expect(list.body.some((a: { id: string }) => a.id === id)).toBe(false)
  })

  it('never shows an approval token to an agent, and an agent cannot use one', async () => {
    const asAgent = await submitAs('agent', { cmd: 'ls' })
    expect(asAgent.status).toBe('pending_approval')
    expect(asAgent.approval_token).toBeNull()
    const asAdmin = await submitAs('admin', { cmd: 'ls' })
    expect(asAdmin.approval_token).toEqual(expect.any(String))
    const r = await call(t.app, 'POST', `/v1/actions/${asAdmin.id}/approval`, { token: asAdmin.approval_token, approve: true }, TOKENS.agent)
    expect(r.status).toBe(403)
    // An approver reads it on GET while pending (the original CLI approves that way); an auditor does not.
    const got = await call(t.app, 'GET', `/v1/actions/${asAdmin.id}`, undefined, TOKENS.approver)
    expect(got.body.approval_token).toBe(asAdmin.approval_token)
    expect((await call(t.app, 'GET', `/v1/actions/${asAdmin.id}`, undefined, TOKENS.auditor)).body.approval_token).toBeNull()
  })

  it('records the approver on the approved event and refuses self-approval', async () => {
    const own = await submitAs('admin', { cmd: 'ls' })
    const self = await call(t.app, 'POST', `/v1/actions/${own.id}/approval`, { token: own.approval_token, approve: true }, TOKENS.admin)
    expect(self.status).toBe(403)
    expect(self.body.detail).toMatch(/Self-approval/)
    const ok = await call(t.app, 'POST', `/v1/actions/${own.id}/approval`, { approve: true, reason: 'lgtm' }, TOKENS.approver)
    expect(ok.status).toBe(200)
    const events = (await call(t.app, 'GET', `/v1/actions/${own.id}/events`, undefined, TOKENS.auditor)).body
    expect(events.at(-1).meta).toMatchObject({ by: 'alice', reason: 'lgtm', request_hash: own.request_hash })
  })
})
