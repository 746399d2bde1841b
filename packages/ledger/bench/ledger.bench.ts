// Ledger benchmarks on both backends: durable appends with group commit vs one transaction per append, list latency
// over many actions, and verify time over many events. BENCH_ACTIONS (default 100000) sets the list size,
// BENCH_EVENTS (default 1000000) the verify size, BENCH_SECONDS (default 2) each append measurement.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { openPostgresLedger } from '../src/postgres/index.js'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { startPostgres, type PostgresInstance } from '../src/testing/index.js'
import type { Ledger, LedgerOptions, ListFilter } from '../src/types.js'
import { AGENTS, populatePostgresActions, populatePostgresEvents, populateSqliteActions, populateSqliteEvents, STATUSES, TOOLS } from './populate.js'
import { median, quantile, table } from './stats.js'

const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 100_000)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2)
const REPS = 3
// BENCH_BACKENDS=postgres (or sqlite) measures one backend only.
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'sqlite,postgres').split(',')
const want = (name: string) => BACKENDS.includes(name)

let dir = ''
let pg: PostgresInstance
let admin: postgres.Sql
let dbs = 0

type Opener = (opts?: LedgerOptions) => Promise<Ledger>
async function freshSqlite(): Promise<{ open: Opener; path: string }> {
  const path = join(dir, `bench-${++dbs}.db`)
  return { path, open: (o) => openSqliteLedger(path, o) }
}
async function freshPostgres(): Promise<{ open: Opener; dsn: string }> {
  const name = `bench${++dbs}`
  await admin.unsafe(`create database ${name}`)
  const dsn = pg.dsn.replace(/\/postgres$/, `/${name}`)
  return { dsn, open: (o) => openPostgresLedger(dsn, { ...o, max: 20 }) }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'))
  pg = await startPostgres()
  admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
}, 120_000)
afterAll(async () => {
  await admin.end({ timeout: 1 })
  await pg.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** A fresh database per wanted backend, filled by the populate helpers (written straight to the tables). */
async function populated(
  what: string,
  count: number,
  fill: { sqlite: (path: string, n: number) => void; postgres: (sql: postgres.Sql, n: number) => Promise<void> },
): Promise<Array<[string, { open: Opener }]>> {
  const out: Array<[string, { open: Opener }]> = []
  if (want('sqlite')) {
    const db = await freshSqlite()
    await (await db.open()).close()
    const t = performance.now()
    fill.sqlite(db.path, count)
    console.log(`sqlite: ${count} ${what} written in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    out.push(['sqlite', db])
  }
  if (want('postgres')) {
    const db = await freshPostgres()
    await (await db.open()).close()
    const t = performance.now()
    const raw = postgres(db.dsn, { max: 1, onnotice: () => undefined })
    await fill.postgres(raw, count)
    await raw.end()
    console.log(`postgres: ${count} ${what} written in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    out.push(['postgres', db])
  }
  return out
}

async function appendsPerSecond(ledger: Ledger, callers: number, seconds: number, actionIds: string[]): Promise<number> {
  let done = 0
  const t0 = performance.now()
  const end = t0 + seconds * 1000
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      while (performance.now() < end) {
        await ledger.appendEvent(actionIds[c % actionIds.length]!, { event_type: 'started', meta: { caller: c } })
        done++
      }
    }),
  )
  return done / ((performance.now() - t0) / 1000)
}

describe('ledger benchmarks', () => {
  it('durable appends/s: group commit vs one transaction per append', async () => {
    const rows: Array<Record<string, string | number>> = []
    for (const [name, fresh] of [['sqlite', freshSqlite], ['postgres', freshPostgres]] as const) {
      if (!want(name)) continue
      const db = await fresh()
      const group = await db.open()
      const single = await db.open({ maxBatch: 1 })
      const ids: string[] = []
      for (let i = 0; i < 64; i++) {
        const now = new Date().toISOString()
        const a = { id: `bench-${i}`, agent_id: 'bench', tool: 'shell', operation: 'run', params: {}, context: {}, status: 'allowed' as const, decision: 'allow' as const, reason: null, risk_level: 'low' as const, policy_version: null, approval_token_hash: null, approval_expires_at: null, submitted_by: null, result: null, error: null, created_at: now, updated_at: now }
        await group.createAction(a, [{ event_type: 'created', meta: {} }])
        ids.push(a.id)
      }
      for (const callers of [1, 16, 64]) {
        const g: number[] = []
        const b: number[] = []
        await appendsPerSecond(group, callers, 0.3, ids) // warm-up
        for (let r = 0; r < REPS; r++) {
          g.push(await appendsPerSecond(group, callers, SECONDS, ids))
          b.push(await appendsPerSecond(single, callers, SECONDS, ids))
        }
        rows.push({ backend: name, callers, 'group commit/s (median)': Math.round(median(g)), 'tx per append/s (median)': Math.round(median(b)), ratio: median(g) / median(b) })
      }
      const v = await group.verify()
      if (!v.ok) throw new Error(`chain broken after bench: ${v.message}`)
      await group.close()
      await single.close()
    }
    table(`Durable acknowledged appends per second (${REPS} runs of ${SECONDS}s each; fsync on)`, rows)
  })

  it(`list p50/p99 over ${ACTIONS} actions`, async () => {
    const rows: Array<Record<string, string | number>> = []
    const dbs = await populated('actions', ACTIONS, { sqlite: populateSqliteActions, postgres: populatePostgresActions })

    for (const [name, db] of dbs) {
      const ledger = await db.open()
      const pick = <T>(xs: readonly T[], i: number) => xs[(i * 2654435761) % xs.length]!
      const shapes: Array<[string, (i: number) => ListFilter]> = [
        ['newest page', () => ({})],
        ['status', (i) => ({ status: pick(STATUSES, i) })],
        ['tool', (i) => ({ tool: pick(TOOLS, i) })],
        ['agent_id', (i) => ({ agent_id: `agent-${(i * 31) % AGENTS}` })],
        ['status+tool', (i) => ({ status: pick(STATUSES, i), tool: pick(TOOLS, i + 3) })],
        ['offset 500', () => ({ offset: 500 })],
      ]
      const all: number[] = []
      for (const [label, make] of shapes) {
        const lat: number[] = []
        for (let i = 0; i < 200; i++) {
          const f = make(i)
          const t0 = performance.now()
          const page = await ledger.listActions({ ...f, limit: 20 })
          if (page.next_cursor) await ledger.listActions({ ...f, limit: 20, cursor: page.next_cursor })
          lat.push((performance.now() - t0) / (page.next_cursor ? 2 : 1))
        }
        all.push(...lat)
        rows.push({ backend: name, query: label, 'p50 ms': quantile(lat, 0.5), 'p99 ms': quantile(lat, 0.99) })
      }
      rows.push({ backend: name, query: 'ALL (filters + cursor pages)', 'p50 ms': quantile(all, 0.5), 'p99 ms': quantile(all, 0.99) })
      const q: number[] = []
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        await ledger.listActions({ q: `echo-not-there-${i}`, limit: 20 })
        q.push(performance.now() - t0)
      }
      rows.push({ backend: name, query: 'text search, no match (full scan)', 'p50 ms': quantile(q, 0.5), 'p99 ms': quantile(q, 0.99) })
      await ledger.close()
    }
    table(`listActions latency, ${ACTIONS} actions, limit 20 (first page and its cursor page)`, rows)
  })

  it(`verify over ${EVENTS} events`, async () => {
    const rows: Array<Record<string, string | number>> = []
    const dbs = await populated('chained events', EVENTS, { sqlite: populateSqliteEvents, postgres: populatePostgresEvents })
    for (const [name, db] of dbs) {
      const ledger = await db.open({ checkpointIntervalMs: 0, checkpointEvery: 0 })
      await ledger.checkpoint()
      const times: number[] = []
      const cpu: number[] = []
      for (let r = 0; r < REPS; r++) {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        // The chain walk and checkpoints only: these events were written without action rows.
        const v = await ledger.verify({ actions: false })
        const c1 = process.cpuUsage(c0)
        times.push((performance.now() - t0) / 1000)
        cpu.push((c1.user + c1.system) / 1e6)
        if (!v.ok || v.checked !== EVENTS) throw new Error(`verify failed: ${JSON.stringify(v)}`)
      }
      // CPU seconds of this process alongside wall time: on a shared machine the wall clock includes waiting for a core.
      rows.push({ backend: name, events: EVENTS, 'verify wall s (median)': median(times), 'verify cpu s (median)': median(cpu), 'events/s (wall)': Math.round(EVENTS / median(times)) })
      await ledger.close()
    }
    table(`verify() over the whole chain (${REPS} runs)`, rows)
  })
})
