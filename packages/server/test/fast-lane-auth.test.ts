// The fast lane read a submit's whole body (up to 1 MB) before looking at its token, so a caller with no valid token
// held a megabyte of the gateway's memory per connection for up to FARAMESH_BODY_TIMEOUT; the Hono routes refuse it
// before reading anything. An unknown token is refused from the request head: 401 at once, connection closed, no
// body buffered.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { metricValue, startTokenGateway } from './helpers.js'

let gw: GatewayHandle
let stop: () => Promise<void>
beforeAll(async () => {
  const started = await startTokenGateway('faramesh-fastauth-', [
    { name: 'bot', role: 'agent', token: 'bot-tok' },
    { name: 'root', role: 'admin', token: 'admin-tok' },
  ])
  gw = started.gw
  stop = started.close
})
afterAll(() => stop())

/** Sends only the head of a request whose body never comes; resolves with what arrives within `ms` and whether the gateway closed. */
function headOnly(head: string, ms: number): Promise<{ got: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(gw.port, '127.0.0.1')
    let got = ''
    let closed = false
    s.setEncoding('utf8')
    s.on('data', (d: string) => (got += d))
    s.on('end', () => (closed = true))
    s.on('error', () => undefined)
    s.write(head)
    setTimeout(() => {
      s.destroy()
      resolve({ got, closed })
    }, ms)
  })
}

const head = (path: string, auth: string | null) =>
  `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n${auth === null ? '' : `authorization: Bearer ${auth}\r\n`}\r\n`

describe('the fast lane authenticates before it reads a body', () => {
  for (const path of ['/v1/actions', '/v1/gate/decide']) {
    it(`${path}: no token or a wrong one is 401 from the head alone, and the connection is closed`, async () => {
      for (const auth of [null, 'not-a-token']) {
        const before = await metricValue(gw.url, 'faramesh_requests_total', { method: 'POST', endpoint: path, status: '401' }, 'admin-tok')
        const { got, closed } = await headOnly(head(path, auth), 1000)
        expect(got).toMatch(/^HTTP\/1\.1 401 /)
        expect(got.toLowerCase()).toContain('connection: close')
        expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4))).toEqual({ detail: 'Unauthorized' })
        expect(closed).toBe(true)
        expect(await metricValue(gw.url, 'faramesh_requests_total', { method: 'POST', endpoint: path, status: '401' }, 'admin-tok')).toBe(before + 1)
      }
    })
  }

  it('a valid token still waits for its body and is answered as before', async () => {
    const { got } = await headOnly(head('/v1/actions', 'bot-tok'), 500)
    expect(got).toBe('')
    const res = await fetch(`${gw.url}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bot-tok' },
      body: JSON.stringify({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } }),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { agent_id: string }).agent_id).toBe('bot')
    const bad = await fetch(`${gw.url}/v1/actions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' })
    expect(bad.status).toBe(401)
  })
})
