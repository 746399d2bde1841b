// Postgres restarted under load: the gateways say "not ready" while it is gone, come back by themselves
// (same processes, no restart), and lose nothing they acknowledged.
import { afterAll, expect, it } from 'vitest'
import { auditStore, verifyViaApi } from '../harness/audit.js'
import { startFleet, type Fleet } from '../harness/fleet.js'
import type { GatewayProcess } from '../harness/gateway-process.js'
import { submitLoad } from '../harness/load.js'
import { size } from '../harness/paths.js'
import { startPostgresCluster, type PostgresCluster } from '../harness/postgres-cluster.js'
import { DRILL_TOKEN, drillRequest } from '../harness/workspace.js'

const TOTAL = size(1_500, 6_000)
let pg: PostgresCluster
let fleet: Fleet

afterAll(async () => {
  await fleet?.destroy()
  await pg?.destroy()
})

async function readyStatus(gw: GatewayProcess): Promise<{ status: number; ms: number }> {
  const t0 = Date.now()
  try {
    const res = await fetch(`${gw.url}/ready`, { signal: AbortSignal.timeout(5000) })
    return { status: res.status, ms: Date.now() - t0 }
  } catch {
    return { status: 0, ms: Date.now() - t0 }
  }
}

/** A gateway that died is the finding, not a timeout: say so with its last output. */
function expectAlive(): void {
  for (const g of fleet.gateways) {
    if (g.child.exitCode === null && g.child.signalCode === null) continue
    throw new Error(
      `gateway ${g.url} died (exit ${g.child.exitCode ?? g.child.signalCode}) while Postgres restarted. ` +
        'If the output shows "Cannot read properties of null (reading \'write\')" in postgres/src/connection.js, ' +
        'that is postgres.js 3.4.9 issue #1154: apply patches/postgres@3.4.9.patch (drills/README.md).\n' +
        g.output().slice(-3000),
    )
  }
}

/** Polls /ready until every gateway has answered `status` at least once; returns how long that took and the
 *  slowest /ready answer seen meanwhile. */
async function untilAllReady(status: number, timeoutMs: number): Promise<{ ms: number; slowestMs: number }> {
  const started = Date.now()
  const seen = new Set<number>()
  let slowestMs = 0
  for (;;) {
    expectAlive()
    const answers = await Promise.all(fleet.gateways.map(readyStatus))
    answers.forEach((a, i) => {
      slowestMs = Math.max(slowestMs, a.ms)
      if (a.status === status) seen.add(i)
    })
    if (seen.size === fleet.gateways.length) return { ms: Date.now() - started, slowestMs }
    if (Date.now() - started > timeoutMs) {
      const last = answers.map((a) => a.status).join(', ')
      throw new Error(
        `/ready did not answer ${status} on every gateway within ${timeoutMs} ms (last: ${last})`,
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

it(`recovers from a Postgres restart during ${TOTAL} submits without losing an acknowledged action`, async () => {
  pg = await startPostgresCluster()
  fleet = await startFleet(pg, 2)
  const pids = fleet.gateways.map((g) => g.pid)
  let outage:
    Promise<{ down: { ms: number; slowestMs: number }; up: { ms: number; slowestMs: number } }> | undefined
  const load = await submitLoad({
    urls: fleet.gateways.map((g) => g.url),
    total: TOTAL,
    concurrency: 8,
    token: DRILL_TOKEN,
    request: (i) => drillRequest(i, 'pg-restart'),
    failureBackoffMs: 50,
    onProgress: (done) => {
      if (done !== Math.floor(TOTAL * 0.3)) return
      outage = (async () => {
        await pg.stop('fast')
        // Whatever is seen, Postgres comes back, so the load can finish and a failure be reported.
        const down = await untilAllReady(503, 15_000).finally(async () => {
          await new Promise((r) => setTimeout(r, 1000))
          await pg.start()
        })
        return { down, up: await untilAllReady(200, 30_000) }
      })()
      // Awaited after the load; this only keeps an early failure from counting as unhandled.
      outage.catch(() => {})
    },
  })
  const timings = await outage!
  expectAlive()
  // The same processes recovered: nobody restarted them.
  expect(fleet.gateways.map((g) => g.pid)).toEqual(pids)
  for (const g of fleet.gateways) expect(g.child.exitCode).toBeNull()
  // Submits during the outage were refused with 503 (never 500), and some were.
  const statuses = [...load.failures.keys()]
  expect(statuses.filter((k) => k !== '503')).toEqual([])
  expect(load.failures.get('503') ?? 0).toBeGreaterThan(0)
  expect(load.details.every((d) => /unavailable/i.test(d))).toBe(true)
  // After recovery the same gateways accept submits again.
  const after = await submitLoad({
    urls: fleet.gateways.map((g) => g.url),
    total: 20,
    concurrency: 4,
    token: DRILL_TOKEN,
    request: (i) => drillRequest(i, 'after'),
  })
  expect(after.acked).toHaveLength(20)
  for (const g of fleet.gateways) expect(await verifyViaApi(g.url)).toMatchObject({ ok: true })
  await fleet.stopAll()
  const audit = await auditStore({ postgres: fleet.dsn, signingKeyPath: fleet.signingKeyPath }, [
    ...load.acked,
    ...after.acked,
  ])
  expect(audit.missing).toEqual([])
  expect(audit.verify).toMatchObject({ ok: true })
  console.log(
    `postgres restart: ${load.acked.length}/${TOTAL} acknowledged, 503s: ${load.failures.get('503') ?? 0}, ` +
      `all not ready ${timings.down.ms} ms after the stop (slowest /ready ${timings.down.slowestMs} ms), ` +
      `all ready ${timings.up.ms} ms after the start`,
  )
})
