// Three apps/server processes on one real Postgres: one shared ledger, one change feed, one chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Action } from '@faramesh/policy-core'
import { auditStore, verifyLogCli, verifyViaApi } from '../harness/audit.js'
import { startFleet, type Fleet } from '../harness/fleet.js'
import { startPostgresCluster, type PostgresCluster } from '../harness/postgres-cluster.js'
import { openSse } from '../harness/sse.js'
import { authHeaders } from '../harness/workspace.js'

let pg: PostgresCluster
let fleet: Fleet
const acked: string[] = []

async function submit(url: string, body: Record<string, unknown>): Promise<Action> {
  const res = await fetch(`${url}/v1/actions`, {
    method: 'POST',
    headers: authHeaders,
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  const action = (await res.json()) as Action
  acked.push(action.id)
  return action
}

beforeAll(async () => {
  pg = await startPostgresCluster()
  fleet = await startFleet(pg, 3)
})
afterAll(async () => {
  await fleet?.destroy()
  await pg?.destroy()
})

describe('three gateways on one Postgres', () => {
  it('lists on every gateway the actions submitted to any of them', async () => {
    const urls = fleet.gateways.map((g) => g.url)
    const submitted = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        submit(urls[i % 3]!, { agent_id: 'lister', tool: 'drill', operation: 'write', params: { i } }),
      ),
    )
    const expected = submitted.map((a) => a.id).sort()
    for (const url of urls) {
      const res = await fetch(`${url}/v1/actions?agent_id=lister&limit=1000`, { headers: authHeaders })
      const list = (await res.json()) as Action[]
      expect(list.map((a) => a.id).sort()).toEqual(expected)
    }
  })

  it('streams to an SSE client on one gateway the events written through the others', async () => {
    const [g0, g1, g2] = fleet.gateways
    const sse = await openSse(g0!.url)
    try {
      const a1 = await submit(g1!.url, {
        agent_id: 'sse',
        tool: 'drill',
        operation: 'write',
        params: { via: 1 },
      })
      const a2 = await submit(g2!.url, {
        agent_id: 'sse',
        tool: 'payment',
        operation: 'refund',
        params: { amount: 5 },
      })
      const seen = (id: string, type: string) => (frames: typeof sse.frames) =>
        frames.some((f) => f.action_id === id && f.event_type === type)
      await sse.waitFor((f) => seen(a1.id, 'created')(f) && seen(a1.id, 'decision_made')(f), 10_000)
      await sse.waitFor((f) => seen(a2.id, 'created')(f) && seen(a2.id, 'decision_made')(f), 10_000)
      const last = sse.frames.filter((f) => f.action_id === a2.id).at(-1)!
      expect(last.data.status).toBe('pending_approval')
      // Frames carry the global chain's seq, strictly increasing on the stream.
      const seqs = sse.frames.map((f) => f.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    } finally {
      sse.close()
    }
  })

  it('gives one winner when approvals race across the three processes', async () => {
    const urls = fleet.gateways.map((g) => g.url)
    const action = await submit(urls[0]!, {
      agent_id: 'racer',
      tool: 'payment',
      operation: 'refund',
      params: { amount: 99 },
    })
    expect(action.status).toBe('pending_approval')
    const token = action.approval_token
    expect(typeof token).toBe('string')
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${urls[i % 3]}/v1/actions/${action.id}/approval`, {
          method: 'POST',
          headers: authHeaders,
          body: JSON.stringify({ token, approve: i % 2 === 0, reason: `racer ${i}` }),
        }),
      ),
    )
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    for (const s of statuses) expect([200, 403, 409]).toContain(s)
    const events = (await (
      await fetch(`${urls[1]}/v1/actions/${action.id}/events`, { headers: authHeaders })
    ).json()) as Array<{
      event_type: string
    }>
    expect(events.filter((e) => e.event_type === 'approved' || e.event_type === 'denied')).toHaveLength(1)
    const final = (await (
      await fetch(`${urls[2]}/v1/actions/${action.id}`, { headers: authHeaders })
    ).json()) as Action
    expect(['approved', 'denied']).toContain(final.status)
  })

  it('keeps one chain that verifies, online and offline', async () => {
    for (const g of fleet.gateways) expect(await verifyViaApi(g.url)).toMatchObject({ ok: true })
    expect(verifyLogCli({ url: fleet.gateways[2]!.url, signingKeyFile: fleet.signingKeyPath })).toMatchObject({ ok: true })
    await fleet.stopAll()
    const audit = await auditStore({ postgres: fleet.dsn, signingKeyPath: fleet.signingKeyPath }, acked)
    expect(audit.missing).toEqual([])
    expect(audit.verify).toMatchObject({ ok: true })
  })
})
