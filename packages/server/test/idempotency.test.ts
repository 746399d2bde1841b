// POST /v1/actions with Idempotency-Key: a repeat returns the stored action, a reused key with another body is a 422,
// racing duplicates make one action, the scope is the submitter, and the fast lane answers like the Hono route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { makeApp, startTokenGateway } from './helpers.js'

type Json = Record<string, unknown>
let gw: GatewayHandle
let stop: () => Promise<void>
beforeAll(async () => {
  const started = await startTokenGateway('faramesh-idem-', [
    { name: 'bot', role: 'agent', token: 'agent-tok', agent: 'a1' },
    { name: 'bot2', role: 'agent', token: 'agent2-tok', agent: 'a1' },
    { name: 'alice', role: 'approver', token: 'approver-tok' },
  ])
  gw = started.gw
  stop = started.close
})
afterAll(() => stop())

const body = (cmd: string) => JSON.stringify({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd } })

/** Via the node fast lane (real HTTP) or the Hono app. */
async function submit(via: 'node' | 'app', text: string, key: string | undefined, token = 'agent-tok') {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
  if (key !== undefined) headers['idempotency-key'] = key
  const init = { method: 'POST', headers, body: text }
  const res = via === 'node' ? await fetch(`${gw.url}/v1/actions`, init) : await gw.app.request('/v1/actions', init)
  return { status: res.status, body: (await res.json()) as Json }
}

async function events(id: string): Promise<unknown[]> {
  const res = await fetch(`${gw.url}/v1/actions/${id}/events`, { headers: { authorization: 'Bearer approver-tok' } })
  return (await res.json()) as unknown[]
}

describe('Idempotency-Key', () => {
  for (const via of ['node', 'app'] as const) {
    it(`${via}: the same key twice returns the same action without new events; the token stays hidden`, async () => {
      const first = await submit(via, body('ls'), `k-same-${via}`)
      expect(first.status).toBe(200)
      expect(first.body.status).toBe('pending_approval')
      const again = await submit(via, body('ls'), `k-same-${via}`)
      expect(again.status).toBe(200)
      expect(again.body.id).toBe(first.body.id)
      expect(again.body.approval_token).toBeNull()
      expect({ ...again.body, approval_token: null }).toEqual({ ...first.body, approval_token: null })
      expect(await events(first.body.id as string)).toHaveLength(2)
      expect(first.body).not.toHaveProperty('idempotency_key')
    })

    it(`${via}: the same key with another body is a 422 and writes nothing`, async () => {
      const first = await submit(via, body('ls'), `k-diff-${via}`)
      const head = (await gw.ledger.head())!.seq
      const other = await submit(via, body('pwd'), `k-diff-${via}`)
      expect(other).toEqual({ status: 422, body: { detail: 'Idempotency-Key was already used for a different request' } })
      expect((await gw.ledger.head())!.seq).toBe(head)
      expect(await events(first.body.id as string)).toHaveLength(2)
    })

    it(`${via}: a malformed key is a 422 naming the header`, async () => {
      for (const bad of ['', 'a b', 'x'.repeat(256), 'caf\u00e9']) {
        const r = await submit(via, body('ls'), bad)
        expect(r.status).toBe(422)
        expect(r.body.detail).toMatch(/Idempotency-Key/)
      }
      expect((await submit(via, body('ls'), 'x'.repeat(255))).status).toBe(200)
    })
  }

  it('20 concurrent submits with one key make one action (fast lane and app mixed)', async () => {
    const before = await gw.ledger.countActions()
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(i % 2 ? 'node' : 'app', body('ls'), 'k-race')))
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1)
    expect(await gw.ledger.countActions()).toBe(before + 1)
    expect(await events(rs[0]!.body.id as string)).toHaveLength(2)
  })

  it('different principals with the same key get two actions; no key never de-duplicates', async () => {
    const a = await submit('node', body('ls'), 'k-shared')
    const b = await submit('node', body('ls'), 'k-shared', 'agent2-tok')
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.body.id).not.toBe(b.body.id)
    const n1 = await submit('app', body('ls'), undefined)
    const n2 = await submit('app', body('ls'), undefined)
    expect(n1.body.id).not.toBe(n2.body.id)
  })
})

describe('Idempotency-Key with auth off', () => {
  it('scopes the key by agent: two agents with one key get two actions, one agent gets one', async () => {
    const t = await makeApp()
    try {
      const post = async (agent: string) => {
        const res = await t.app.request('/v1/actions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'k-anon' },
          body: JSON.stringify({ agent_id: agent, tool: 'http', operation: 'get', params: { url: 'https://x' } }),
        })
        expect(res.status).toBe(200)
        return ((await res.json()) as Json).id
      }
      const a1 = await post('agent-a')
      const b1 = await post('agent-b')
      expect(a1).not.toBe(b1)
      expect(await post('agent-a')).toBe(a1)
      expect(await t.ledger.countActions()).toBe(2)
      const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { parameters: Json[] }>> }
      expect(doc.paths['/v1/actions']!.post!.parameters.map((x) => [x.name, x.in])).toContainEqual(['Idempotency-Key', 'header'])
    } finally {
      await t.close()
    }
  })
})
