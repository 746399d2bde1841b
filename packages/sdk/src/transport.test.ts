import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deadUrl, json, startFixture, type Fixture } from '../test/http-fixture.js'
import { ExecutionGovernorClient } from './client.js'
import {
  FarameshAuthError,
  FarameshConflictError,
  FarameshError,
  FarameshNotFoundError,
  FarameshServerError,
  FarameshTimeoutError,
  FarameshUnavailableError,
  FarameshValidationError,
} from './errors.js'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(() => fx.close())

const client = (extra = {}) => new ExecutionGovernorClient({ baseUrl: fx.url, retryBackoffFactor: 0.01, maxRetries: 3, ...extra })
const action = { id: 'a1', agent_id: 'x', tool: 't', operation: 'o', params: {}, context: {}, status: 'allowed' }

describe('transport', () => {
  it('retries a read on 503 with backoff and then succeeds', async () => {
    fx.handle((_q, res, n) => (n < 3 ? json(res, 503, { detail: 'busy' }) : json(res, 200, action)))
    const a = await client().getAction('a1')
    expect(a.id).toBe('a1')
    expect(fx.seen.map((s) => s.method + ' ' + s.url)).toEqual(Array(3).fill('GET /v1/actions/a1'))
  })

  it('gives up after maxRetries and throws FarameshServerError with the detail', async () => {
    fx.handle((_q, res) => json(res, 500, { detail: 'Internal server error', error_type: 'X' }))
    const e = await client({ maxRetries: 2 }).getAction('a1').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FarameshServerError)
    expect((e as FarameshError).statusCode).toBe(500)
    expect((e as FarameshError).detail).toBe('Internal server error')
    expect(fx.seen).toHaveLength(3)
  })

  it('never retries a submit without an idempotency key', async () => {
    fx.handle((_q, res) => json(res, 503, { detail: 'busy' }))
    await expect(client().submitAction('shell', 'run')).rejects.toBeInstanceOf(FarameshServerError)
    expect(fx.seen).toHaveLength(1)
  })

  it('retries a submit carrying an idempotency key, sending the same key each time', async () => {
    fx.handle((_q, res, n) => (n < 2 ? json(res, 502, { detail: 'bad gateway' }) : json(res, 200, action)))
    await client().submitAction('shell', 'run', {}, {}, { idempotencyKey: 'k-1' })
    expect(fx.seen.map((s) => s.headers['idempotency-key'])).toEqual(['k-1', 'k-1'])
  })

  it('sends the bearer token, JSON body and agent id from context', async () => {
    fx.handle((_q, res) => json(res, 200, action))
    await client({ token: 'tok' }).submitAction({ tool: 'shell', operation: 'run', params: { cmd: 'ls' }, context: { agent_id: 'bot' } })
    const s = fx.seen[0]!
    expect(s.headers.authorization).toBe('Bearer tok')
    expect(s.headers['content-type']).toBe('application/json')
    expect(JSON.parse(s.body)).toEqual({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' }, context: { agent_id: 'bot' } })
  })

  it.each([
    [401, FarameshAuthError],
    [403, FarameshAuthError],
    [404, FarameshNotFoundError],
    [409, FarameshConflictError],
    [400, FarameshValidationError],
    [413, FarameshValidationError],
    [422, FarameshValidationError],
  ])('maps HTTP %i to its typed error, not retried', async (status, cls) => {
    fx.handle((_q, res) => json(res, status, { detail: `detail ${status}` }))
    const e = (await client().getAction('a1').catch((x: unknown) => x)) as FarameshError
    expect(e).toBeInstanceOf(cls)
    expect(e.statusCode).toBe(status)
    expect(e.message).toContain(`detail ${status}`)
    expect(fx.seen).toHaveLength(1)
  })

  it('formats a validation detail list with loc and msg', async () => {
    fx.handle((_q, res) => json(res, 422, { detail: [{ loc: ['body', 'tool'], msg: 'field required', type: 'missing' }] }))
    const e = (await client().submitAction('t', 'o').catch((x: unknown) => x)) as FarameshError
    expect(e.message).toContain('body.tool: field required')
    expect(Array.isArray(e.detail)).toBe(true)
  })

  it('honours Retry-After on 429', async () => {
    fx.handle((_q, res, n) => (n === 1 ? json(res, 429, { detail: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, [])))
    const t0 = Date.now()
    await client().listActions()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950)
  })

  it('throws FarameshTimeoutError when the server does not answer in time', async () => {
    fx.handle(() => undefined) // never answers
    const e = await client({ timeoutMs: 150, maxRetries: 1 }).getAction('a1').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FarameshTimeoutError)
    expect(fx.seen).toHaveLength(2)
  })

  it('aborts with the caller signal, without retrying', async () => {
    fx.handle(() => undefined)
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(new Error('stop now')), 100)
    await expect(client().getAction('a1', { signal: ctl.signal })).rejects.toThrow('stop now')
    expect(fx.seen).toHaveLength(1)
  })

  it('throws FarameshUnavailableError when nothing listens', async () => {
    const c = new ExecutionGovernorClient({ baseUrl: await deadUrl(), maxRetries: 1, retryBackoffFactor: 0.01 })
    await expect(c.getAction('a1')).rejects.toBeInstanceOf(FarameshUnavailableError)
  })

  it('rejects a 200 answer that is not JSON with a typed error', async () => {
    fx.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>proxy login</html>')
    })
    await expect(client().getAction('a1')).rejects.toBeInstanceOf(FarameshServerError)
  })

  it('calls the request hooks with method, url, status and duration', async () => {
    fx.handle((_q, res) => json(res, 404, { detail: 'Action not found' }))
    const calls: unknown[][] = []
    const c = client({
      onRequestStart: (...a: unknown[]) => calls.push(['start', ...a]),
      onRequestEnd: (m: string, u: string, s: number) => calls.push(['end', m, u, s]),
      onError: (e: Error) => calls.push(['error', e.name]),
    })
    await c.getAction('zz').catch(() => undefined)
    expect(calls).toEqual([
      ['start', 'GET', `${fx.url}/v1/actions/zz`],
      ['end', 'GET', `${fx.url}/v1/actions/zz`, 404],
      ['error', 'FarameshNotFoundError'],
    ])
  })

  it('rejects bad input locally with FarameshValidationError and sends nothing', async () => {
    fx.handle((_q, res) => json(res, 200, action))
    const c = client()
    await expect(c.submitAction('', 'run')).rejects.toBeInstanceOf(FarameshValidationError)
    await expect(c.submitAction({ tool: 'x', operation: 'y', params: [] as never })).rejects.toThrow('params must be an object')
    await expect(c.getAction('')).rejects.toBeInstanceOf(FarameshValidationError)
    await expect(c.reportResult('a1', { success: 'yes' } as never)).rejects.toThrow('success')
    expect(fx.seen).toHaveLength(0)
  })

  it('encodes ids and list filters into the URL', async () => {
    fx.handle((_q, res) => json(res, 200, []))
    await client().listActions({ limit: 5, status: 'pending_approval', tool: 'a b' })
    expect(fx.seen[0]!.url).toBe('/v1/actions?limit=5&offset=0&tool=a%20b&status=pending_approval')
  })
})
