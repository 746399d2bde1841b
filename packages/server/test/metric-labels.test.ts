// Metric labels taken from requests are bounded by the policy (issue: faramesh_actions_total{tool} took the
// client's string, so an agent could create series at will). Tools and operations the policy names keep their name;
// every other one is "other".
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, makeApp, type TestApp } from './helpers.js'

const POLICY = `
rules:
  - match: { tool: http, op: get }
    allow: true
  - match: { tool: "*", op: "*" }
    allow: true
risk:
  rules:
    - name: big_refund
      when: { tool: stripe, operation: refund, amount_gt: 1000 }
      risk_level: high
`
let t: TestApp
beforeAll(async () => {
  t = await makeApp({ policy: POLICY })
})
afterAll(() => t.close())

/** Every label set of a metric, as prom-client holds them (each one is a series kept for the process's life). */
const series = async (name: string) => (await t.app.metrics.registry.getSingleMetric(name)!.get()).values

describe('metric labels from requests', () => {
  it('300 made-up tools and operations add no series beyond the named ones and "other"', async () => {
    for (let i = 0; i < 300; i++) {
      const r = await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: `tool-${i}`, operation: `op-${i}` })
      expect(r.status).toBe(200)
      expect((await call(t.app, 'POST', `/v1/actions/${r.body.id}/result`, { success: true })).status).toBe(200)
    }
    const named = await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: 'http', operation: 'get' })
    await call(t.app, 'POST', `/v1/actions/${named.body.id}/result`, { success: true })
    await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: 'stripe', operation: 'refund', params: { amount: 1 } })

    const actions = await series('faramesh_actions_total')
    expect(new Set(actions.map((m) => m.labels.tool))).toEqual(new Set(['other', 'http', 'stripe']))
    expect(actions.find((m) => m.labels.tool === 'other' && m.labels.status === 'allowed')?.value).toBe(300)
    const durations = await series('faramesh_action_duration_seconds')
    const labelSets = new Set(durations.map((m) => `${m.labels.tool}/${m.labels.operation}`))
    expect(labelSets).toEqual(new Set(['other/other', 'http/get']))
  })
})
