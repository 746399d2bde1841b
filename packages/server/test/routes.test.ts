// Happy paths of the read-side and utility routes: lists and pagination, policy info, OpenAPI, playground, ledger,
// CORS, whoami.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { submitSchema } from '../src/schemas.js'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
  for (let i = 0; i < 5; i++) await call(t.app, 'POST', '/v1/actions', { agent_id: `agent-${i % 2}`, tool: 'http', operation: 'get', params: { i } })
  await call(t.app, 'POST', '/v1/actions', { agent_id: 'agent-0', tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
  await call(t.app, 'POST', '/v1/actions', { agent_id: 'agent-0', tool: 'stripe', operation: 'refund', params: { amount: 5000 } })
})
afterAll(async () => {
  await t.close()
})

describe('GET /v1/actions', () => {
  it('lists newest first with X-Total-Count, no approval tokens and no snippets', async () => {
    const r = await call(t.app, 'GET', '/v1/actions')
    expect(r.status).toBe(200)
    expect(r.headers.get('x-total-count')).toBe('7')
    expect(r.body).toHaveLength(7)
    const created = r.body.map((a: { created_at: string }) => a.created_at)
    expect(created).toEqual([...created].sort().reverse())
    expect(r.body.every((a: { approval_token: unknown }) => a.approval_token === null)).toBe(true)
    expect(r.body[0].js_example).toBeUndefined()
  })

  it('filters by status, tool, agent_id, risk_level and q, and pages with limit/offset', async () => {
    const q = async (s: string) => (await call(t.app, 'GET', `/v1/actions?${s}`))
    expect((await q('tool=shell')).body.map((a: { tool: string }) => a.tool)).toEqual(['shell'])
    expect((await q('status=pending_approval')).body).toHaveLength(2)
    expect((await q('agent_id=agent-1')).body).toHaveLength(2)
    expect((await q('risk_level=high')).body.map((a: { tool: string }) => a.tool)).toEqual(['stripe'])
    expect((await q('q=strip')).body).toHaveLength(1)
    const page = await q('limit=2&offset=2')
    expect(page.body).toHaveLength(2)
    expect(page.headers.get('x-total-count')).toBe('7')
  })

  it('pages with the cursor from X-Next-Cursor', async () => {
    const first = await call(t.app, 'GET', '/v1/actions?limit=4')
    const cursor = first.headers.get('x-next-cursor')
    expect(cursor).toBeTruthy()
    const second = await call(t.app, 'GET', `/v1/actions?limit=4&cursor=${encodeURIComponent(cursor!)}`)
    const ids = [...first.body, ...second.body].map((a: { id: string }) => a.id)
    expect(new Set(ids).size).toBe(7)
  })
})

describe('single action', () => {
  it('returns the action with ready-to-run snippets', async () => {
    const [a] = (await call(t.app, 'GET', '/v1/actions?limit=1')).body
    const r = await call(t.app, 'GET', `/v1/actions/${a.id}`)
    expect(r.body.id).toBe(a.id)
    expect(r.body.js_example).toContain('submitAction(')
    expect(r.body.python_example).toContain('submit_action(')
    expect(r.body).not.toHaveProperty('approval_token_hash')
  })
})

describe('utility routes', () => {
  it('GET /v1/policy/info', async () => {
    const r = await call(t.app, 'GET', '/v1/policy/info')
    expect(r.body).toMatchObject({ policy_file: 'test.yaml', exists: true, policy_version: expect.stringMatching(/^sha256:[0-9a-f]{12}$/), policy_hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })

  it('POST /v1/gate/decide stores nothing', async () => {
    const before = await t.ledger.countActions()
    const r = await call(t.app, 'POST', '/v1/gate/decide', { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })
    expect(r.body).toMatchObject({ decision: 'deny', outcome: 'HALT', reason_code: 'POLICY_DENY', agent_id: 'a' })
    expect(await t.ledger.countActions()).toBe(before)
  })

  it('the playground page and eval', async () => {
    const page = await t.app.request('/playground')
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const r = await call(t.app, 'POST', '/playground/eval', { agent_id: 'a', tool: 'http', operation: 'get' })
    expect(r.body).toMatchObject({ status: 'allowed', decision: 'allow', risk_level: 'low', agent_id: 'a', tool: 'http', operation: 'get' })
  })

  it('/openapi.json is built from the validating schemas and lists every route', async () => {
    const r = await call(t.app, 'GET', '/openapi.json')
    expect(r.body.openapi).toBe('3.1.0')
    const { $id: _id, ...schema } = submitSchema
    expect(r.body.components.schemas.SubmitAction).toEqual(JSON.parse(JSON.stringify(schema)))
    for (const p of ['/v1/actions', '/v1/actions/{id}', '/v1/actions/{id}/events', '/v1/actions/{id}/approval', '/v1/actions/{id}/start', '/v1/actions/{id}/result', '/v1/actions/{id}/withdraw', '/v1/gate/decide', '/v1/gate/operations', '/v1/events', '/health', '/ready', '/metrics']) {
      expect(r.body.paths).toHaveProperty(p)
    }
  })

  it('ledger: public key, verify, checkpoints, NDJSON export', async () => {
    expect((await call(t.app, 'GET', '/v1/ledger/public-key')).body).toHaveProperty('public_key_pem')
    expect((await call(t.app, 'GET', '/v1/ledger/verify')).body).toMatchObject({ ok: true })
    expect((await call(t.app, 'GET', '/v1/ledger/verify?from=x')).status).toBe(422)
    expect(Array.isArray((await call(t.app, 'GET', '/v1/ledger/checkpoints')).body)).toBe(true)
    const res = await t.app.request('/v1/ledger/export?from_seq=3')
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0].seq).toBe(3) // from_seq is inclusive
  })

  it('whoami with auth off is the anonymous admin', async () => {
    expect((await call(t.app, 'GET', '/v1/auth/whoami')).body).toMatchObject({ name: 'anonymous', role: 'admin' })
  })

  it('/ready and /health', async () => {
    expect((await call(t.app, 'GET', '/health')).body).toEqual({ status: 'healthy' })
    expect((await call(t.app, 'GET', '/ready')).body).toMatchObject({ status: 'ready' })
  })

  it('POST /v1/policy/reload answers 409 when the policy has no file', async () => {
    expect((await call(t.app, 'POST', '/v1/policy/reload')).status).toBe(409)
  })
})

describe('CORS', () => {
  it('answers preflights and exposes X-Total-Count to browsers', async () => {
    const pre = await t.app.request('/v1/actions', {
      method: 'OPTIONS',
      headers: { origin: 'http://ui.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization,content-type')
    const r = await t.app.request('/v1/actions', { headers: { origin: 'http://ui.example' } })
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.headers.get('access-control-expose-headers')).toContain('X-Total-Count')
  })

  it('sends no CORS headers when disabled', async () => {
    const off = await makeApp({ config: { enableCors: false } })
    const r = await off.app.request('/health', { headers: { origin: 'http://ui.example' } })
    expect(r.headers.get('access-control-allow-origin')).toBeNull()
    await off.close()
  })
})
