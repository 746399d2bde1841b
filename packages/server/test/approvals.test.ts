import { afterEach, describe, expect, it } from 'vitest'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
afterEach(async () => {
  await t.close()
})

const pendingAction = async () =>
  (await call(t.app, 'POST', '/v1/actions', { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'deploy' } })).body

describe('approval races', () => {
  it('50 concurrent approve/deny calls: one winner, the rest 409, exactly one decision event', async () => {
    t = await makeApp()
    const a = await pendingAction()
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: i % 2 === 0 }),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(49)
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.detail).toMatch(/pending_approval/)
    const events = (await call(t.app, 'GET', `/v1/actions/${a.id}/events`)).body.map((e: { event_type: string }) => e.event_type)
    expect(events.filter((e: string) => e === 'approved' || e === 'denied')).toHaveLength(1)
    expect(await t.ledger.verify()).toMatchObject({ ok: true })
  })
})

describe('approval tokens', () => {
  it('refuses a wrong token with 403 Invalid approval token', async () => {
    t = await makeApp()
    const a = await pendingAction()
    const r = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: 'not-it', approve: true })
    expect(r.status).toBe(403)
    expect(r.body).toEqual({ detail: 'Invalid approval token' })
  })

  it('refuses a reused token (single use)', async () => {
    t = await makeApp()
    const a = await pendingAction()
    expect((await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })).status).toBe(200)
    const again = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: false })
    expect(again.status).toBe(409)
    expect((await call(t.app, 'GET', `/v1/actions/${a.id}`)).body.status).toBe('approved')
  })

  it("refuses one action's token on another action", async () => {
    t = await makeApp()
    const a = await pendingAction()
    const b = await pendingAction()
    const r = await call(t.app, 'POST', `/v1/actions/${b.id}/approval`, { token: a.approval_token, approve: true })
    expect(r.status).toBe(403)
  })

  it('refuses an expired token and times the action out', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z')
    t = await makeApp({ clock: () => new Date(now), config: { approvalTtlMs: 60_000 } })
    const a = await pendingAction()
    expect(a.approval_expires_at).toBe('2030-01-01T00:01:00.000Z')
    now += 61_000
    const r = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    expect(r.status).toBe(409)
    expect(r.body.detail).toMatch(/expired/)
    const after = (await call(t.app, 'GET', `/v1/actions/${a.id}`)).body
    expect(after.status).toBe('timeout')
    const events = (await call(t.app, 'GET', `/v1/actions/${a.id}/events`)).body.map((e: { event_type: string }) => e.event_type)
    expect(events).toEqual(['created', 'decision_made', 'timeout'])
  })

  it('the sweeper times out expired approvals without anyone calling', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z')
    t = await makeApp({ clock: () => new Date(now), config: { approvalTtlMs: 60_000 } })
    const a = await pendingAction()
    now += 120_000
    expect(await t.app.service.expireDue()).toBe(1)
    expect((await call(t.app, 'GET', `/v1/actions/${a.id}`)).body.status).toBe('timeout')
  })

  it('start re-checks request_hash: a tampered action never runs', async () => {
    t = await makeApp()
    const a = await pendingAction()
    await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    // Simulate tampering behind the API: the stored params no longer match the approved request_hash.
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(`${t.dir}/actions.db`)
    const cols = (db.prepare(`PRAGMA table_info(actions)`).all() as Array<{ name: string }>).map((c) => c.name)
    const paramsCol = cols.includes('params_json') ? 'params_json' : 'params'
    db.prepare(`UPDATE actions SET ${paramsCol} = ? WHERE id = ?`).run(JSON.stringify({ cmd: 'touch /tmp/pwned' }), a.id)
    db.close()
    await call(t.app, 'POST', `/v1/actions/${a.id}/start`)
    await t.app.runner.idle()
    const after = (await call(t.app, 'GET', `/v1/actions/${a.id}`)).body
    expect(after.status).toBe('failed')
    expect(after.error).toMatch(/request_hash mismatch/)
  })
})
