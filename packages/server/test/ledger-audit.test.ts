// What GET /v1/ledger/verify proves about the actions the gateway itself writes: every stored field follows from the
// chained events (the gateway's metas plus the ledger's stamps), so an edited row is reported by action and field.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { call, eventually, makeApp, type TestApp } from './helpers.js'

let t: TestApp
let clock = Date.now()
beforeEach(async () => {
  clock = Date.now()
  t = await makeApp({ clock: () => new Date(clock) })
})
afterEach(async () => {
  await t.close()
})

const submit = async (body: object, headers: Record<string, string> = {}) =>
  (await t.app.request('/v1/actions', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json() as Promise<{
    id: string
    approval_token: string | null
  }>

describe('the actions table against the chain', () => {
  it('covers every field of every action the gateway writes, through its whole life', async () => {
    const allowed = await submit({ agent_id: 'a1', tool: 'http', operation: 'get', params: { url: 'https://x' } }, { 'Idempotency-Key': 'k-1' })
    await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })
    // A risk upgrade: allow → require_approval with reason_details.
    const upgraded = await submit({ agent_id: 'a1', tool: 'stripe', operation: 'refund', params: { amount: 5000 } })
    const run = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'echo hi' }, context: { timeout: 5 } })
    const expiring = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'sleep 1' } })
    await call(t.app, 'POST', `/v1/actions/${allowed.id}/start`)
    await call(t.app, 'POST', `/v1/actions/${allowed.id}/result`, { success: false, error: 'upstream 502', meta: { code: 502 } })
    await call(t.app, 'POST', `/v1/actions/${upgraded.id}/approval`, { token: upgraded.approval_token, approve: false, reason: 'too much' })
    await call(t.app, 'POST', `/v1/actions/${run.id}/approval`, { token: run.approval_token, approve: true })
    await call(t.app, 'POST', `/v1/actions/${run.id}/start`, {})
    await eventually(async () => (await call(t.app, 'GET', `/v1/actions/${run.id}`)).body.status === 'succeeded')
    clock += 48 * 3600 * 1000
    await eventually(async () => (await call(t.app, 'POST', `/v1/actions/${expiring.id}/approval`, { approve: true })).status === 409)
    expect((await call(t.app, 'GET', `/v1/actions/${expiring.id}`)).body.status).toBe('timeout')

    const v = await call(t.app, 'GET', '/v1/ledger/verify')
    expect(v.body).toMatchObject({ ok: true, actions: { checked: 5, uncovered: {}, skipped: 0 } })
    expect(Object.keys(v.body.actions.uncovered)).toEqual([])

    const db = new Database(join(t.dir, 'actions.db'))
    try {
      for (const [column, value, id] of [
        ['status', 'approved', upgraded.id],
        ['result', '{"exit_code":0,"stdout":"forged\\n"}', run.id],
        ['params', '{"url":"https://evil"}', allowed.id],
        ['reason_details', null, upgraded.id],
      ] as const) {
        const before = db.prepare(`SELECT ${column} AS v FROM actions WHERE id = ?`).pluck().get(id)
        db.prepare(`UPDATE actions SET ${column} = ? WHERE id = ?`).run(value, id)
        const bad = await call(t.app, 'GET', '/v1/ledger/verify')
        expect(bad.body, column).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: id })
        expect(bad.body.field).toContain(column)
        db.prepare(`UPDATE actions SET ${column} = ? WHERE id = ?`).run(before, id)
      }
    } finally {
      db.close()
    }
    expect((await call(t.app, 'GET', '/v1/ledger/verify')).body).toMatchObject({ ok: true })
  }, 30_000)
})
