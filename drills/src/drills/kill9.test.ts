// kill -9 a gateway in the middle of a submit storm: nothing it acknowledged may be lost, and the chain
// must still verify. CI runs 2,000 submits; DRILLS_FULL=1 runs the 10,000.
import { afterAll, describe, expect, it } from 'vitest'
import { auditStore, verifyLogCli } from '../harness/audit.js'
import { startFleet, type Fleet } from '../harness/fleet.js'
import { startGatewayProcess, type GatewayProcess } from '../harness/gateway-process.js'
import { failureCount, submitLoad } from '../harness/load.js'
import { size } from '../harness/paths.js'
import { startPostgresCluster, type PostgresCluster } from '../harness/postgres-cluster.js'
import { DRILL_TOKEN, drillRequest, makeWorkspace, sqliteEnv } from '../harness/workspace.js'

const TOTAL = size(2_000, 10_000)
const KILL_AT = Math.floor(TOTAL * 0.4)

describe(`kill -9 during ${TOTAL} submits`, () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('SQLite: every acknowledged action survives a kill -9 and a restart, and the chain verifies', async () => {
    const ws = makeWorkspace()
    cleanups.push(() => ws.remove())
    const env = sqliteEnv(ws)
    let gw: GatewayProcess = await startGatewayProcess({ env, cwd: ws.dir })
    cleanups.push(() => gw.stop())
    let restarted: Promise<void> | undefined
    const killedPid = gw.pid
    const load = await submitLoad({
      urls: () => [gw.url],
      total: TOTAL,
      concurrency: 16,
      token: DRILL_TOKEN,
      request: (i) => drillRequest(i, 'sqlite'),
      failureBackoffMs: 100,
      onProgress: (done) => {
        if (done !== KILL_AT) return
        // A supervisor (Docker's restart policy) brings it back on the same port and file.
        restarted = gw.kill9().then(async () => {
          gw = await startGatewayProcess({ env, cwd: ws.dir, port: gw.port })
        })
      },
    })
    await restarted
    expect(gw.pid).not.toBe(killedPid)
    // Some submits were in flight or refused while the process was down; most were acknowledged.
    expect(load.acked.length).toBeGreaterThan(TOTAL / 2)
    expect(load.acked.length + failureCount(load)).toBe(TOTAL)
    expect([...load.failures.keys()].filter((k) => /^\d+$/.test(k) && k !== '503')).toEqual([])
    expect(verifyLogCli({ url: gw.url, signingKeyFile: `${ws.sqlitePath}.signing-key.pem` })).toMatchObject({ ok: true })
    await gw.stop()
    expect(verifyLogCli({ db: ws.sqlitePath })).toMatchObject({ ok: true })
    const audit = await auditStore({ sqlite: ws.sqlitePath }, load.acked)
    expect(audit.missing).toEqual([])
    expect(audit.verify).toMatchObject({ ok: true })
    console.log(
      `sqlite kill -9: ${load.acked.length}/${TOTAL} acknowledged, ${audit.actions} stored, failures`,
      load.failures,
    )
  })

  it('Postgres, three gateways: one is killed -9, the others carry on, nothing acknowledged is lost', async () => {
    const pg: PostgresCluster = await startPostgresCluster()
    cleanups.push(() => pg.destroy())
    const fleet: Fleet = await startFleet(pg, 3)
    cleanups.push(() => fleet.destroy())
    const alive = new Set(fleet.gateways.map((g) => g.url))
    const victim = fleet.gateways[1]!
    let killed: Promise<void> | undefined
    const load = await submitLoad({
      // The load balancer drops a replica that stops answering; until then its requests fail.
      urls: () => [...alive],
      total: TOTAL,
      concurrency: 24,
      token: DRILL_TOKEN,
      request: (i) => drillRequest(i, 'pg'),
      failureBackoffMs: 100,
      onProgress: (done) => {
        if (done !== KILL_AT) return
        killed = victim.kill9().then(() => {
          alive.delete(victim.url)
        })
      },
    })
    await killed
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' })
    expect(load.acked.length).toBeGreaterThan(TOTAL * 0.9)
    expect([...load.failures.keys()].filter((k) => /^\d+$/.test(k) && k !== '503')).toEqual([])
    // The killed replica comes back without any repair step.
    const back = await fleet.restart(1)
    expect(verifyLogCli({ url: back.url, signingKeyFile: fleet.signingKeyPath })).toMatchObject({ ok: true })
    await fleet.stopAll()
    const audit = await auditStore({ postgres: fleet.dsn, signingKeyPath: fleet.signingKeyPath }, load.acked)
    expect(audit.missing).toEqual([])
    expect(audit.verify).toMatchObject({ ok: true })
    console.log(
      `postgres kill -9: ${load.acked.length}/${TOTAL} acknowledged, ${audit.actions} stored, failures`,
      load.failures,
    )
  })
})
