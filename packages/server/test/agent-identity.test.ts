// An agent token acts for one agent (issue: agent identity was self-reported). Its submits and decides carry that
// agent_id: omitted → filled in, another one (top level or context.agent_id) → 403 and nothing stored. Admin callers
// may still act for any agent. Checked through both the node fast lane and the Hono routes of a real gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { startTokenGateway } from './helpers.js'

let gw: GatewayHandle
let stop: () => Promise<void>
beforeAll(async () => {
  const started = await startTokenGateway('faramesh-ident-', [
    { name: 'billing-bot', role: 'agent', token: 'billing-tok', agent: 'billing' },
    { name: 'bot2', role: 'agent', token: 'bot2-tok' },
    { name: 'root', role: 'admin', token: 'admin-tok' },
  ])
  gw = started.gw
  stop = started.close
})
afterAll(() => stop())

type Json = Record<string, unknown>
const VIA = ['node', 'app'] as const

async function post(via: (typeof VIA)[number], path: string, body: Json, token: string) {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }
  const res = via === 'node' ? await fetch(`${gw.url}${path}`, init) : await gw.app.request(path, init)
  return { status: res.status, body: (await res.json()) as Json }
}

const http = { tool: 'http', operation: 'get', params: { url: 'https://example.com' } }

describe.each(VIA)('agent identity (%s)', (via) => {
  it('refuses a submit for another agent and stores nothing', async () => {
    const before = await gw.ledger.countActions()
    const r = await post(via, '/v1/actions', { agent_id: 'payments', ...http }, 'billing-tok')
    expect(r.status).toBe(403)
    expect(r.body.detail).toBe('Token "billing-bot" acts for agent "billing", not "payments"')
    expect(await gw.ledger.countActions()).toBe(before)
  })

  it('refuses another agent named in context.agent_id (the class-style SDK) too', async () => {
    const r = await post(via, '/v1/actions', { ...http, context: { agent_id: 'payments' } }, 'billing-tok')
    expect(r.status).toBe(403)
    const both = await post(via, '/v1/actions', { agent_id: 'billing', ...http, context: { agent_id: 'payments' } }, 'billing-tok')
    expect(both.status).toBe(403)
  })

  it("fills in the token's agent when the submit names none, and accepts its own", async () => {
    const omitted = await post(via, '/v1/actions', http, 'billing-tok')
    expect(omitted.status).toBe(200)
    expect(omitted.body).toMatchObject({ agent_id: 'billing', status: 'allowed' })
    const own = await post(via, '/v1/actions', { agent_id: 'billing', ...http }, 'billing-tok')
    expect(own.body.agent_id).toBe('billing')
    expect(own.body.request_hash).toBe(omitted.body.request_hash)
  })

  it('binds decides the same way', async () => {
    expect((await post(via, '/v1/gate/decide', { agent_id: 'payments', ...http }, 'billing-tok')).status).toBe(403)
    const d = await post(via, '/v1/gate/decide', http, 'billing-tok')
    expect(d).toMatchObject({ status: 200, body: { agent_id: 'billing', decision: 'allow' } })
  })

  it("acts for the token's name when the token names no agent", async () => {
    expect((await post(via, '/v1/actions', { agent_id: 'bot2', ...http }, 'bot2-tok')).status).toBe(200)
    expect((await post(via, '/v1/actions', { agent_id: 'billing', ...http }, 'bot2-tok')).status).toBe(403)
  })

  it('lets an admin submit for any agent', async () => {
    const r = await post(via, '/v1/actions', { agent_id: 'payments', ...http }, 'admin-tok')
    expect(r).toMatchObject({ status: 200, body: { agent_id: 'payments' } })
  })
})

it('the playground evaluates as the calling agent too', async () => {
  const r = await post('app', '/playground/eval', { agent_id: 'payments', ...http }, 'billing-tok')
  expect(r.status).toBe(403)
  expect((await post('app', '/playground/eval', http, 'billing-tok')).body.agent_id).toBe('billing')
})
