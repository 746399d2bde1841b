// Throughput of POST /v1/actions with one, two and three gateways on one Postgres, in one run, and where the
// one global chain becomes the bottleneck. `pnpm --filter @faramesh/drills bench` (after a build);
// BENCH_SUBMITS (default 3000) per round, BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default 32).
import { startFleet } from '../src/harness/fleet.js'
import { cpuSeconds, withDescendants } from '../src/harness/cpu.js'
import { submitLoad } from '../src/harness/load.js'
import { startPostgresCluster, type PostgresCluster } from '../src/harness/postgres-cluster.js'
import { DRILL_TOKEN, drillRequest } from '../src/harness/workspace.js'
import { chainAppendRate } from './chain-append.js'

const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 3000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

/** Samples how many Postgres backends wait on a lock (the chain head's advisory lock shows up here). */
function lockSampler(pg: PostgresCluster, dbName: string): { stop(): Promise<number> } {
  const samples: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const rows = (await pg.sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${dbName}' AND wait_event_type = 'Lock'`,
      )) as Array<{ n: number }>
      samples.push(rows[0]?.n ?? 0)
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0
    },
  }
}

interface Round {
  rps: number
  p50: number
  p99: number
  lockWaiters: number
  cores: number
}

async function main(): Promise<void> {
  const pg = await startPostgresCluster()
  const fleet = await startFleet(pg, 3, { FARAMESH_LOG_LEVEL: 'warn' })
  const dbName = new URL(fleet.dsn).pathname.slice(1)
  const results = new Map<number, Round[]>()
  try {
    // Warm-up: JIT, connection pools, prepared statements on every gateway.
    await submitLoad({
      urls: fleet.gateways.map((g) => g.url),
      total: 600,
      concurrency: 16,
      token: DRILL_TOKEN,
      request: (i) => drillRequest(i, 'warm'),
    })
    for (let round = 0; round < ROUNDS; round++) {
      for (const k of [1, 2, 3]) {
        const urls = fleet.gateways.slice(0, k).map((g) => g.url)
        const pids = withDescendants([
          ...fleet.gateways.map((g) => g.pid),
          pg.postmasterPid() ?? -1,
          process.pid,
        ])
        const cpu0 = cpuSeconds(pids)
        const sampler = lockSampler(pg, dbName)
        const load = await submitLoad({
          urls,
          total: SUBMITS,
          concurrency: CONCURRENCY,
          token: DRILL_TOKEN,
          request: (i) => drillRequest(i, `b${k}`),
        })
        const lockWaiters = await sampler.stop()
        const cores = (cpuSeconds(pids) - cpu0) / (load.elapsedMs / 1000)
        if (load.acked.length !== SUBMITS)
          throw new Error(`round ${round} k=${k}: ${SUBMITS - load.acked.length} submits failed`)
        const r: Round = {
          rps: (SUBMITS / load.elapsedMs) * 1000,
          p50: pct(load.latenciesMs, 50),
          p99: pct(load.latenciesMs, 99),
          lockWaiters,
          cores,
        }
        results.set(k, [...(results.get(k) ?? []), r])
      }
    }
    const chain = await chainAppendRate(fleet.dsn, fleet.signingKeyPath)

    const base = median(results.get(1)!.map((r) => r.rps))
    console.log(
      `POST /v1/actions on one Postgres: ${SUBMITS} submits x ${ROUNDS} rounds, ${CONCURRENCY} concurrent clients, medians`,
    )
    console.log('gateways  req/s   ratio  p50 ms  p99 ms  lock waiters  CPU cores busy')
    for (const k of [1, 2, 3]) {
      const rs = results.get(k)!
      const rps = median(rs.map((r) => r.rps))
      console.log(
        `${String(k).padStart(8)}  ${rps.toFixed(0).padStart(5)}  ${(rps / base).toFixed(2).padStart(5)}x` +
          `  ${median(rs.map((r) => r.p50))
            .toFixed(1)
            .padStart(6)}  ${median(rs.map((r) => r.p99))
            .toFixed(1)
            .padStart(6)}` +
          `  ${median(rs.map((r) => r.lockWaiters))
            .toFixed(2)
            .padStart(12)}  ${median(rs.map((r) => r.cores))
            .toFixed(2)
            .padStart(14)}`,
      )
    }
    console.log(
      `chain appends on Postgres without HTTP (one process, ${chain.concurrency} concurrent createAction, 2 events each): ` +
        `${chain.actionsPerSec.toFixed(0)} actions/s = ${chain.eventsPerSec.toFixed(0)} chain appends/s (median of ${chain.rounds})`,
    )
  } finally {
    await fleet.destroy()
    await pg.destroy()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
