// Which `executing` actions recoverOrphans fails, decided from each action's `started` event: the executor that ran
// it (none: its agent runs it) and the gateway lease that owned it (alive, dead, or not recorded by an older gateway).
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteLease } from '../src/executors/lease-sqlite.js'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp | null = null
afterEach(async () => {
  await t?.close()
  t = null
})

const NOW = new Date('2026-12-01T12:00:00.000Z')

/** An allowed http action moved to `executing` with the given `started` meta and time. */
async function executing(app: TestApp, meta: Record<string, unknown>, startedAt: Date, context: object = {}): Promise<string> {
  const a = await call(app.app, 'POST', '/v1/actions', { agent_id: 'a1', tool: 'http', operation: 'get', context })
  await app.ledger.transition(a.body.id, { from: ['allowed'], to: 'executing', event: { event_type: 'started', meta, created_at: startedAt.toISOString() } })
  return a.body.id
}

const status = async (app: TestApp, id: string) => (await app.ledger.getAction(id))!.status

describe('recoverOrphans', () => {
  it('fails executions whose gateway lease is gone; leaves live ones, its own and agent-run ones', async () => {
    const probe = await makeApp()
    const db = join(probe.dir, 'leases.db')
    const lease = openSqliteLease(db)
    const other = openSqliteLease(db)
    const gone = openSqliteLease(db)
    await gone.close()
    t = await makeApp({ lease, clock: () => NOW })
    const recent = new Date(NOW.getTime() - 5_000)
    const dead = await executing(t, { executor: 'shell', gateway: gone.id }, recent)
    const live = await executing(t, { executor: 'shell', gateway: other.id }, recent)
    const own = await executing(t, { executor: 'shell', gateway: lease.id }, recent)
    const agent = await executing(t, { executor: null }, new Date(0))
    const forged = await executing(t, { executor: 'shell', gateway: '../../etc/passwd' }, recent)
    expect(await t.app.runner.recoverOrphans()).toBe(2)
    expect(await status(t, dead)).toBe('failed')
    expect(await status(t, forged)).toBe('failed')
    for (const id of [live, own, agent]) expect(await status(t, id)).toBe('executing')
    const events = await t.ledger.getEvents(dead)
    expect(events.at(-1)).toMatchObject({ event_type: 'failed', meta: { error: 'gateway stopped during execution', executor: 'shell', gateway: gone.id } })
    await other.close()
    await t.close()
    t = null
    await lease.close()
    await probe.close()
  })

  it('fails an execution started before leases were recorded only once its timeout has certainly passed', async () => {
    // That gateway's FARAMESH_ACTION_TIMEOUT is unknown (ours is 300 s): without context.timeout, the cap of 3600 s.
    t = await makeApp({ clock: () => NOW, config: { actionTimeoutSec: 300 } })
    const ago = (s: number) => new Date(NOW.getTime() - s * 1000)
    const stale = await executing(t, { executor: 'shell' }, ago(3600 + 61))
    const fresh = await executing(t, { executor: 'shell' }, ago(3000))
    const shortTimeout = await executing(t, { executor: 'shell' }, ago(10 + 61), { timeout: 10 })
    expect(await t.app.runner.recoverOrphans()).toBe(2)
    expect(await status(t, stale)).toBe('failed')
    expect(await status(t, shortTimeout)).toBe('failed')
    expect(await status(t, fresh)).toBe('executing')
    expect((await t.ledger.getEvents(stale)).at(-1)!.meta).toEqual({ error: 'gateway stopped during execution', executor: 'shell', gateway: null, set: { status: 'failed', error: 'gateway stopped during execution' } })
  })

  it('does nothing with a lease that knows only itself (createApp without a store lease)', async () => {
    t = await makeApp({ clock: () => NOW })
    const id = await executing(t, { executor: 'shell', gateway: '2b1e4c8a-0000-4000-8000-000000000001' }, new Date(0))
    expect(await t.app.runner.recoverOrphans()).toBe(0)
    expect(await status(t, id)).toBe('executing')
  })
})
