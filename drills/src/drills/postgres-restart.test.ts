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
  await fleet?.stopAll()
  await pg?.destroy()
})

async function readyStatus(gw: GatewayProcess): Promise<number> {
  try {
    return (await fetch(`${gw.url}/ready`, { signal: AbortSignal.timeout(3000) })).status
  } catch {
    return 0
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return Date.now() - started
}

it(`recovers from a Postgres restart during ${TOTAL} submits without losing an acknowledged action`, async () => {
  pg = await startPostgresCluster()
  fleet = await startFleet(pg, 2)
  const pids = fleet.gateways.map((g) => g.pid)
  let outage: Promise<{ notReadyMs: number; recoveredMs: number }> | undefined
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
        const notReadyMs = await until(
          'both gateways report not ready',
          async () => (await Promise.all(fleet.gateways.map(readyStatus))).every((s) => s === 503),
          15_000,
        )
        await new Promise((r) => setTimeout(r, 1000))
        await pg.start()
        const recoveredMs = await until(
          'both gateways ready again',
          async () => (await Promise.all(fleet.gateways.map(readyStatus))).every((s) => s === 200),
          30_000,
        )
        return { notReadyMs, recoveredMs }
      })()
    },
  })
  const timings = await outage!
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
  const audit = await auditStore({ postgres: fleet.dsn, signingKeyPath: fleet.signingKeyPath }, [...load.acked, ...after.acked])
  expect(audit.missing).toEqual([])
  expect(audit.verify).toMatchObject({ ok: true })
  console.log(
    `postgres restart: ${load.acked.length}/${TOTAL} acknowledged, 503s: ${load.failures.get('503') ?? 0}, ` +
      `not ready after ${timings.notReadyMs} ms, ready again ${timings.recoveredMs} ms after restart`,
  )
})
