// The node fast lane must answer exactly like the Hono routes: same statuses, same bodies, same auth and metrics.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { rawExchange, startTokenGateway } from './helpers.js'

let gw: GatewayHandle
let stop: () => Promise<void>
beforeAll(async () => {
  const started = await startTokenGateway('faramesh-fast-', [
    { name: 'bot', role: 'agent', token: 'agent-tok' },
    { name: 'alice', role: 'approver', token: 'approver-tok' },
    { name: 'root', role: 'admin', token: 'admin-tok' },
  ])
  gw = started.gw
  stop = started.close
})
afterAll(() => stop())

async function both(path: string, body: string, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const viaNode = await fetch(`${gw.url}${path}`, { method: 'POST', headers, body })
  const viaApp = await gw.app.request(path, { method: 'POST', headers, body })
  return {
    node: { status: viaNode.status, body: (await viaNode.json()) as Record<string, unknown>, auth: viaNode.headers.get('www-authenticate') },
    app: { status: viaApp.status, body: (await viaApp.json()) as Record<string, unknown>, auth: viaApp.headers.get('www-authenticate') },
  }
}

const bodies = fc.oneof(
  fc.record({
    agent_id: fc.oneof(fc.constantFrom('a', 'b'), fc.integer()),
    tool: fc.constantFrom('shell', 'http', 'stripe', 'ftp'),
    operation: fc.constantFrom('run', 'get', 'refund'),
    params: fc.oneof(fc.constant({ cmd: 'rm -rf /' }), fc.constant({ amount: 5000 }), fc.object()),
    context: fc.object(),
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom('', '{"tool":"a","tool":"b"}', '{"__proto__":{}}', '[]', '{"agent_id":"a","tool":"http","operation":"get","params":{"x":1e999}}'),
)

describe('fast lane', () => {
  it('answers POST /v1/gate/decide exactly like the app, for any body', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(undefined, 'agent-tok', 'approver-tok', 'wrong'), async (body, token) => {
        const r = await both('/v1/gate/decide', body, token)
        expect(r.node).toEqual(r.app)
      }),
      { numRuns: 150 },
    )
  })

  it('answers POST /v1/actions like the app (status, decision fields, errors)', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(undefined, 'agent-tok', 'approver-tok'), async (body, token) => {
        const r = await both('/v1/actions', body, token)
        expect(r.node.status).toBe(r.app.status)
        if (r.app.status !== 200) {
          expect(r.node).toEqual(r.app)
          return
        }
        const pick = (b: Record<string, unknown>) => ({ ...b, id: 0, created_at: 0, updated_at: 0, approval_expires_at: 0, approval_token: b.approval_token === null ? null : 'x', js_example: 0, python_example: 0 })
        expect(pick(r.node.body)).toEqual(pick(r.app.body))
      }),
      { numRuns: 60 },
    )
  })

  it('answers every request of a burst, each its own, and pipelined requests in order (answers go out per turn)', async () => {
    // 40 connections at once: each answer must be the one for its own body (agent_id echoes back).
    const burst = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = await fetch(`${gw.url}/v1/gate/decide`, {
          method: 'POST',
          headers: { authorization: 'Bearer admin-tok', 'content-type': 'application/json' },
          body: JSON.stringify({ agent_id: `a${i}`, tool: i % 2 ? 'http' : 'shell', operation: i % 2 ? 'get' : 'run', params: { cmd: 'rm -rf /' } }),
        })
        return { i, status: r.status, body: (await r.json()) as { agent_id: string; decision: string } }
      }),
    )
    for (const r of burst) {
      expect(r.status).toBe(200)
      expect(r.body.agent_id).toBe(`a${r.i}`)
    }
    // Three requests written in one packet on one connection (HTTP/1.1 pipelining): three answers, in order, the
    // middle one an error, all on the same socket.
    const req = (agent: string, body = JSON.stringify({ agent_id: agent, tool: 'http', operation: 'get' })) =>
      `POST /v1/gate/decide HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer admin-tok\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    const raw = await rawExchange(gw.port, req('p1') + req('p2', '{"tool":') + req('p3'), 3)
    const answers = raw.split('HTTP/1.1 ').slice(1)
    expect(answers.map((a) => a.slice(0, 3))).toEqual(['200', '422', '200'])
    expect(answers[0]).toContain('"agent_id":"p1"')
    expect(answers[2]).toContain('"agent_id":"p3"')
  })

  it('counts fast-lane requests under the route pattern', async () => {
    await fetch(`${gw.url}/v1/gate/decide`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer agent-tok' } })
    const text = await gw.app.metrics.registry.getSingleMetricAsString('faramesh_requests_total')
    expect(text).toMatch(/endpoint="\/v1\/gate\/decide",status="422"/)
  })

  it('leaves browser (Origin) and oversized requests to the app: CORS headers and 413', async () => {
    const r = await fetch(`${gw.url}/v1/gate/decide`, { method: 'POST', headers: { origin: 'http://ui', authorization: 'Bearer agent-tok' }, body: '{"agent_id":"a","tool":"http","operation":"get"}' })
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    const big = await fetch(`${gw.url}/v1/actions`, { method: 'POST', headers: { authorization: 'Bearer agent-tok' }, body: 'x'.repeat(1024 * 1024 + 1) })
    expect(big.status).toBe(413)
  })
})
