// The wrapper's fetch over an undici Pool against a real gateway: the SDK gets the same answers, errors and event
// stream as with the global fetch.
import { createServer } from 'node:net'
import { CoreClient, FarameshUnavailableError } from '@faramesh/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, TOKENS, type TestGateway } from '../../test/gateway.js'
import { NOTES_POLICY } from '../../test/harness.js'
import { poolFetch, type PoolFetch } from './pool-fetch.js'

let g: TestGateway
let http: PoolFetch
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
  http = poolFetch(g.url)
})
afterAll(async () => {
  await http?.close()
  await g?.close()
})

let n = 0
const request = (operation: string) => ({
  agent_id: 'a1',
  tool: 'mcp:notes',
  operation,
  params: { n: ++n },
  context: { mcp: { server: 'notes', annotations: null, protocol_version: null, agent_source: 'token' } },
})
const auth = { authorization: `Bearer ${TOKENS.agent}`, 'content-type': 'application/json', accept: 'application/json' }

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

describe('poolFetch', () => {
  it('answers as the global fetch does: status, headers and body, for a success and for an error', async () => {
    for (const [path, init] of [
      ['/v1/actions', { method: 'POST', headers: auth, body: JSON.stringify(request('echo')) }],
      ['/v1/actions', { method: 'POST', headers: auth, body: '{"tool": 1' }],
      ['/v1/actions/nope', { headers: auth }],
      ['/health', {}],
    ] as const) {
      const [a, b] = await Promise.all([http.fetch(g.url + path, init), fetch(g.url + path, init)])
      expect(a.status).toBe(b.status)
      expect(a.ok).toBe(b.ok)
      expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'))
      const [ta, tb] = await Promise.all([a.text(), b.text()])
      // Two submits make two actions: compare their shape, not their ids.
      expect(Object.keys(JSON.parse(ta)).sort()).toEqual(Object.keys(JSON.parse(tb)).sort())
    }
  })

  it('carries the SDK: a submit and a wait for a person on the event stream', async () => {
    // An admin token: agent tokens may not stream (the SDK polls for them).
    const client = new CoreClient({ baseUrl: g.url, token: TOKENS.admin, timeoutMs: 5000, fetch: http.fetch })
    const held = await client.transport.request<{ id: string; status: string }>('POST', '/v1/actions', { body: request('write_note'), idempotencyKey: `pf-${n}` })
    expect(held.status).toBe('pending_approval')
    const wait = client.waitForDecision(held.id, { timeoutMs: 10_000, pollIntervalMs: 60_000 })
    await new Promise((r) => setTimeout(r, 300))
    await g.approver.approveAction(held.id)
    // The poll period is a minute: only the event stream can end this wait in time.
    expect((await wait).status).toBe('approved')
  })

  it('a refused connection fails as fetch does, with the cause the SDK reads (ECONNREFUSED: never sent)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const down = poolFetch(url)
    try {
      const err = (await down.fetch(`${url}/health`).catch((e: unknown) => e)) as TypeError & { cause?: { code?: string } }
      expect(err).toBeInstanceOf(TypeError)
      expect(err.cause?.code).toBe('ECONNREFUSED')
      const client = new CoreClient({ baseUrl: url, token: TOKENS.agent, maxRetries: 0, failMode: 'failClosed', fetch: down.fetch })
      await expect(client.transport.request('GET', '/health')).rejects.toBeInstanceOf(FarameshUnavailableError)
    } finally {
      await down.close()
    }
  })

  it('an aborted request rejects with the signal’s reason', async () => {
    const ctl = new AbortController()
    const why = new Error('caller gave up')
    const pending = http.fetch(`${g.url}/v1/actions`, { method: 'POST', headers: auth, body: JSON.stringify(request('echo')), signal: ctl.signal })
    ctl.abort(why)
    await expect(pending).rejects.toBe(why)
  })

  it('leaves other origins and bodies it does not take to the global fetch', async () => {
    const other = poolFetch('http://127.0.0.1:1')
    try {
      const res = await other.fetch(`${g.url}/health`)
      expect(res.status).toBe(200)
      const viaBlob = await http.fetch(`${g.url}/v1/actions`, { method: 'POST', headers: auth, body: new Blob([JSON.stringify(request('echo'))]) })
      expect(viaBlob.status).toBe(200)
    } finally {
      await other.close()
    }
  })
})
