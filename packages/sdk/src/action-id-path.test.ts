// An action id becomes one segment of a URL path. `.` and `..` survive encodeURIComponent and are then resolved
// by fetch's URL parser (and by curl): `getEvents('..')` was sent as GET /v1/events, `reportResult('.')` as
// POST /v1/actions/result. No gateway hands out such an id, so one is refused before anything travels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { curlCommand } from './curl.js'
import { FarameshValidationError } from './errors.js'
import { OperatorClient } from './operator.js'
import { json, startFixture, type Fixture } from '../test/http-fixture.js'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(() => fx.close())

describe('an action id that is a dot segment', () => {
  it('is refused by every call that puts an id in a path, before any request', async () => {
    fx.handle((_q, res) => json(res, 200, []))
    const c = new OperatorClient({ baseUrl: fx.url, maxRetries: 0 })
    for (const id of ['.', '..']) {
      await expect(c.getEvents(id)).rejects.toBeInstanceOf(FarameshValidationError)
      await expect(c.getAction(id)).rejects.toBeInstanceOf(FarameshValidationError)
      await expect(c.startAction(id)).rejects.toBeInstanceOf(FarameshValidationError)
      await expect(c.reportResult(id, { success: true })).rejects.toBeInstanceOf(FarameshValidationError)
      await expect(c.answerApproval(id, true)).rejects.toBeInstanceOf(FarameshValidationError)
    }
    expect(fx.seen.map((s) => `${s.method} ${s.url}`)).toEqual([])
  })

  it('gets no curl command', () => {
    for (const id of ['.', '..']) {
      expect(() => curlCommand('approve', { id, approval_token: null }, { baseUrl: 'http://h', authenticated: false })).toThrow(FarameshValidationError)
    }
  })

  it('while ids with dots inside are still sent, encoded', async () => {
    fx.handle((_q, res) => json(res, 200, { id: 'a..b' }))
    const c = new OperatorClient({ baseUrl: fx.url, maxRetries: 0 })
    await c.getAction('a..b')
    await c.getAction('a/../b').catch(() => undefined)
    expect(fx.seen.map((s) => s.url)).toEqual(['/v1/actions/a..b', '/v1/actions/a%2F..%2Fb'])
  })
})
