// Property: whatever arrives as a body, the gateway answers with a non-5xx status and a `detail` on errors.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
let pendingId = ''
beforeAll(async () => {
  t = await makeApp({ config: { executors: [] } })
  pendingId = (await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'x' } })).body.id
})
afterAll(async () => {
  await t.close()
})

const jsonish = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.record(
    {
      agent_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      tool: fc.oneof(fc.constantFrom('shell', 'http', 'stripe'), fc.string(), fc.integer()),
      operation: fc.oneof(fc.constantFrom('run', 'get', 'refund'), fc.string()),
      params: fc.oneof(fc.object(), fc.jsonValue(), fc.constant({ amount: '1e400' })),
      context: fc.oneof(fc.object(), fc.jsonValue()),
      approve: fc.oneof(fc.boolean(), fc.string()),
      success: fc.oneof(fc.boolean(), fc.integer()),
      token: fc.oneof(fc.string(), fc.constant(null)),
    },
    { requiredKeys: [] },
  ).map((v) => JSON.stringify(v)),
  // Hand-made nasties: duplicate and prototype keys, deep nesting, huge numbers, lone surrogates, NaN.
  fc.constantFrom(
    '{"__proto__":{"x":1}}',
    '{"a":1,"a":2}',
    '['.repeat(5000),
    '{"agent_id":"a","tool":"t","operation":"o","params":{"n":1e999}}',
    '{"agent_id":"\\ud800","tool":"t","operation":"o"}',
    '{"agent_id":"a","tool":"t","operation":"o","params":{"n":NaN}}',
    '\u0000',
  ),
)

const PATHS = ['/v1/actions', '/v1/gate/decide', '/playground/eval', `/v1/actions/{p}/approval`, `/v1/actions/{p}/result`, `/v1/actions/{p}/start`]

describe('fuzzed bodies', () => {
  it('never produce a 5xx, and every error carries a detail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), jsonish, async (path, body) => {
        const r = await call(t.app, 'POST', path.replace('{p}', pendingId), body)
        expect(r.status).toBeLessThan(500)
        if (r.status >= 400) expect(r.body.detail).toBeDefined()
      }),
      { numRuns: 400 },
    )
  })

  it('fuzzed list queries never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('limit', 'offset', 'status', 'tool', 'agent_id', 'q', 'risk_level', 'cursor', 'x'), fc.string()),
        async (q) => {
          const r = await call(t.app, 'GET', `/v1/actions?${new URLSearchParams(q).toString()}`)
          expect(r.status).toBeLessThan(500)
          if (r.status >= 400) expect(r.body.detail).toBeDefined()
        },
      ),
      { numRuns: 200 },
    )
  })
})
