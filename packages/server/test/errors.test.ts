import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
})
afterAll(async () => {
  await t.close()
})

const post = (body: string | object, path = '/v1/actions') => call(t.app, 'POST', path, body)

describe('request validation (422 naming the field)', () => {
  it('rejects a missing required field', async () => {
    const r = await post({ agent_id: 'a', operation: 'run' })
    expect(r.status).toBe(422)
    expect(r.body.detail).toEqual([{ loc: ['body', 'tool'], msg: 'field required', type: 'value_error.missing' }])
  })

  it('rejects wrong types', async () => {
    const r = await post({ agent_id: 'a', tool: 1, operation: 'run', params: [] })
    expect(r.status).toBe(422)
    const locs = r.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))
    expect(locs).toEqual(expect.arrayContaining(['body.tool', 'body.params']))
  })

  it('rejects malformed JSON', async () => {
    const r = await post('{"agent_id": "a", ')
    expect(r.status).toBe(422)
    expect(r.body.detail[0].type).toBe('value_error.jsondecode')
  })

  it('refuses an integer a double would change, on both hot routes, storing nothing', async () => {
    const before = (await t.ledger.listActions({ limit: 1000 })).items.length
    for (const path of ['/v1/actions', '/v1/gate/decide']) {
      const r = await post('{"agent_id":"a","tool":"http","operation":"get","params":{"order_id":12345678901234567890}}', path)
      expect(r.status).toBe(422)
      expect(r.body.detail[0]).toMatchObject({ loc: ['body', 'params', 'order_id'], type: 'value_error.number' })
      expect(r.body.detail[0].msg).toContain('would be kept as 12345678901234567000')
    }
    expect((await t.ledger.listActions({ limit: 1000 })).items.length).toBe(before)
  })

  it('hashes a long integer a double keeps digit for digit as the original hashes the int', async () => {
    const r = await post('{"agent_id":"a","tool":"http","operation":"get","params":{"n":123456789012345680000}}')
    expect(r.status).toBe(200)
    // The original's canonical JSON of the request (Python keeps the int exactly): the same digits.
    const canonical = '{"agent_id":"a","context":{},"operation":"get","params":{"n":123456789012345680000},"tool":"http"}'
    expect(r.body.request_hash).toBe(createHash('sha256').update(canonical).digest('hex'))
  })

  it('rejects duplicate keys, naming the key', async () => {
    const r = await post('{"agent_id":"a","tool":"http","tool":"shell","operation":"get"}')
    expect(r.status).toBe(422)
    expect(r.body.detail[0]).toMatchObject({ loc: ['body', 'tool'], type: 'value_error.duplicate_key' })
  })

  it.each(['__proto__', 'constructor', 'prototype'])('rejects a %s key anywhere', async (key) => {
    const r = await post(`{"agent_id":"a","tool":"http","operation":"get","params":{"x":{"${key}":{"admin":true}}}}`)
    expect(r.status).toBe(422)
    expect(r.body.detail[0].loc).toEqual(['body', 'params', 'x', key])
  })

  it('rejects an empty body and a non-object body', async () => {
    expect((await post('')).status).toBe(422)
    expect((await post('[1,2]')).status).toBe(422)
    expect((await post('"text"')).status).toBe(422)
  })

  it('rejects an unknown status filter and out-of-range limits', async () => {
    expect((await call(t.app, 'GET', '/v1/actions?status=bogus')).status).toBe(422)
    expect((await call(t.app, 'GET', '/v1/actions?limit=0')).status).toBe(422)
    expect((await call(t.app, 'GET', '/v1/actions?limit=1001')).status).toBe(422)
    expect((await call(t.app, 'GET', '/v1/actions?limit=abc')).status).toBe(422)
  })

  it('rejects a bad approval body', async () => {
    const a = await post({ agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/approval`, { approve: 'yes' })
    expect(r.status).toBe(422)
    expect(r.body.detail[0].loc).toEqual(['body', 'approve'])
  })
})

describe('size limit', () => {
  it('answers 413 for a body over 1 MiB', async () => {
    const big = JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get', params: { blob: 'x'.repeat(1024 * 1024) } })
    const r = await post(big)
    expect(r.status).toBe(413)
    expect(r.body.detail).toMatch(/too large/)
  })

  it('answers 413 for a chunked body over 1 MiB (no Content-Length)', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(256 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        if (sent++ < 6) ctrl.enqueue(chunk)
        else ctrl.close()
      },
    })
    const res = await t.app.request('/v1/actions', { method: 'POST', body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
  })
})

describe('not found and conflicts', () => {
  const id = '00000000-0000-4000-8000-000000000000'
  it.each([
    ['GET', `/v1/actions/${id}`],
    ['GET', `/v1/actions/${id}/events`],
    ['POST', `/v1/actions/${id}/approval`, { approve: true }],
    ['POST', `/v1/actions/${id}/start`],
    ['POST', `/v1/actions/${id}/result`, { success: true }],
  ])('%s %s → 404 Action not found', async (method, path, body?: object) => {
    const r = await call(t.app, method, path, body)
    expect(r.status).toBe(404)
    expect(r.body).toEqual({ detail: 'Action not found' })
  })

  it('unknown routes are a JSON 404', async () => {
    const r = await call(t.app, 'GET', '/nope')
    expect(r.status).toBe(404)
    expect(r.body.detail).toBeTruthy()
  })

  it('approving an action that is not pending is a 409 with the contract message', async () => {
    const a = await post({ agent_id: 'a', tool: 'http', operation: 'get' })
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/approval`, { approve: true })
    expect(r.status).toBe(409)
    expect(r.body).toEqual({ detail: 'Action is not in pending_approval status' })
  })
})
