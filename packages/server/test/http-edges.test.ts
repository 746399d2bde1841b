// What node's HTTP layer sees before the app does, over real TCP on 127.0.0.1: requests the parser rejects get a JSON
// `detail` like every other error, and a client that hangs up mid-body is counted as 499, not logged as a server error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { eventually, metricValue } from './helpers.js'

let dir: string
let gw: GatewayHandle
const logs: string[] = []
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-edges-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(
    join(dir, 'policies', 'default.yaml'),
    'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n',
  )
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0' }, dir), {
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
  })
})
afterAll(async () => {
  await gw.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Writes raw bytes, then either waits for the server to close the connection or hangs up itself after `hangUpMs`. */
function raw(bytes: string, hangUpMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(gw.port, '127.0.0.1')
    let got = ''
    s.setEncoding('utf8')
    s.on('data', (d: string) => (got += d))
    s.on('error', reject)
    s.on('close', () => resolve(got))
    s.write(bytes)
    if (hangUpMs !== undefined) setTimeout(() => s.destroy(), hangUpMs)
  })
}

function parse(response: string): { status: number; type: string | undefined; body: { detail?: string } } {
  const [head = '', body = ''] = response.split('\r\n\r\n')
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1])
  const type = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1]
  return { status, type, body: JSON.parse(body) as { detail?: string } }
}

const metric = (name: string, labels: Record<string, string>) => metricValue(gw.url, name, labels)

describe('requests the HTTP parser rejects', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['an unknown method', 'FETCH /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400, /Invalid method/],
    [
      'a negative Content-Length',
      'POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      400,
      /Content-Length/,
    ],
    [
      'Content-Length together with Transfer-Encoding',
      'POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      /Transfer-Encoding/,
    ],
    [
      'headers over the limit',
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      /Header overflow/,
    ],
  ]

  it.each(cases)(
    '%s gets a JSON detail, then the connection closes',
    async (_name, bytes, status, detail) => {
      const r = parse(await raw(bytes))
      expect(r.status).toBe(status)
      expect(r.type).toBe('application/json')
      expect(r.body.detail).toMatch(/^Malformed HTTP request: /)
      expect(r.body.detail).toMatch(detail)
    },
  )

  it('are counted as MALFORMED_HTTP errors, and the gateway keeps serving', async () => {
    expect(await metric('faramesh_errors_total', { error_type: 'MALFORMED_HTTP' })).toBe(cases.length)
    expect((await fetch(`${gw.url}/health`)).status).toBe(200)
  })
})

describe('a client that hangs up before its body arrives', () => {
  const partial = (path: string) =>
    raw(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"agent_id":"a","tool":"http",`,
      50,
    )

  it('is a 499 in the request count on the fast lane and in the app, never an "unhandled error"', async () => {
    const id = (
      (await (
        await fetch(`${gw.url}/v1/actions`, {
          method: 'POST',
          body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }),
        })
      ).json()) as { id: string }
    ).id
    const malformedBefore = await metric('faramesh_errors_total', { error_type: 'MALFORMED_HTTP' })
    await partial('/v1/actions') // the node fast lane
    await partial(`/v1/actions/${id}/result`) // a Hono route
    await eventually(
      async () => (await metric('faramesh_errors_total', { error_type: 'CLIENT_CLOSED' })) === 2,
      5000,
    )
    expect(await metric('faramesh_requests_total', { endpoint: '/v1/actions', status: '499' })).toBe(1)
    expect(
      await metric('faramesh_requests_total', { endpoint: '/v1/actions/{id}/result', status: '499' }),
    ).toBe(1)
    expect(await metric('faramesh_requests_total', { status: '500' })).toBe(0)
    // A hang-up is not a malformed request.
    expect(await metric('faramesh_errors_total', { error_type: 'MALFORMED_HTTP' })).toBe(malformedBefore)
    expect(logs.filter((l) => l.includes('unhandled error'))).toEqual([])
    // Nothing half-read was stored: the one action is still allowed, without a result.
    const list = (await (await fetch(`${gw.url}/v1/actions`)).json()) as Array<{ id: string; status: string }>
    expect(list.map((a) => [a.id, a.status])).toEqual([[id, 'allowed']])
  })
})
