// Resuming an SSE stream (issue 22 item 10), on SQLite and on Postgres: a Last-Event-ID thousands of events behind
// gets every missed event, in order, once, and then the live ones with nothing lost or repeated at the seam; a
// reader that is slow during the replay is not dropped and the gateway holds about a page for it; an id beyond the
// head or not a number has a defined answer.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parsePolicy } from '@faramesh/policy-core'
import type { Ledger } from '@faramesh/ledger'
import { openPostgresLedger } from '@faramesh/ledger/postgres'
import { openSqliteLedger } from '@faramesh/ledger/sqlite'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { createApp, type GatewayApp } from '../src/app.js'
import { ANONYMOUS } from '../src/auth.js'
import { staticPolicySource } from '../src/policy-source.js'
import { eventually, POLICY } from './helpers.js'
import { listen } from './serve.js'
import { connectSse, type SocketSse } from './sse-client.js'

interface Backend {
  name: string
  setup(): Promise<void>
  open(): Promise<Ledger>
  teardown(): Promise<void>
}

const dirs: string[] = []
const sqlite: Backend = {
  name: 'sqlite',
  setup: async () => undefined,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-sse-replay-'))
    dirs.push(dir)
    return openSqliteLedger(join(dir, 'actions.db'))
  },
  teardown: async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  },
}

let pg: PostgresInstance | null = null
let admin: postgres.Sql | null = null
let dbs = 0
const pgBackend: Backend = {
  name: 'postgres',
  async setup() {
    pg = await startPostgres()
    admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
  },
  async open() {
    const name = `sse${++dbs}`
    await admin!.unsafe(`create database ${name}`)
    return openPostgresLedger(pg!.dsn.replace(/\/postgres$/, `/${name}`))
  },
  async teardown() {
    await admin?.end({ timeout: 1 })
    await pg?.stop()
  },
}

describe.each([sqlite, pgBackend])('SSE resume on $name', (backend) => {
  let ledger: Ledger | null = null
  let app: GatewayApp | null = null
  let srv: Awaited<ReturnType<typeof listen>> | null = null
  const streams: SocketSse[] = []

  beforeAll(() => backend.setup(), 60_000)
  afterAll(() => backend.teardown())
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close()
    await srv?.close()
    await app?.close()
    await ledger?.close()
    srv = app = ledger = null
  })

  async function start(config: { sseMaxQueue?: number } = {}, wrap: (l: Ledger) => Ledger = (l) => l) {
    ledger = await backend.open()
    app = createApp({
      ledger: wrap(ledger),
      policy: staticPolicySource(parsePolicy(POLICY, { source: 'test.yaml' })),
      config: { executors: [], ...config },
    })
    srv = await listen(app)
    return { app, ledger, url: srv.url }
  }

  const stream = (url: string, headers: Record<string, string> = {}) => {
    const s = connectSse(url, headers)
    streams.push(s)
    return s
  }

  /** `n` allowed actions (2 events each), submitted 200 at a time so they share commits. */
  async function seed(a: GatewayApp, n: number, pad = '') {
    for (let i = 0; i < n; i += 200) {
      const batch = Array.from({ length: Math.min(200, n - i) }, (_, k) =>
        a.service.submit(
          ANONYMOUS,
          { agent_id: `seed-${(i + k) % 3}`, tool: 'http', operation: 'get', params: { i: i + k, pad } },
          undefined,
          () => null,
        ),
      )
      await Promise.all(batch)
    }
  }

  async function seqsAfter(l: Ledger, after: number): Promise<number[]> {
    const out: number[] = []
    for (;;) {
      const page = await l.readEvents(after, 5000)
      if (page.length === 0) return out
      out.push(...page.map((e) => e.seq))
      after = page[page.length - 1]!.seq
    }
  }

  it('replays a Last-Event-ID 5,000+ events behind completely, in order, once (filters too)', async () => {
    const { app, ledger, url } = await start()
    await seed(app, 2600)
    const all = await seqsAfter(ledger, 100)
    expect(all.length).toBeGreaterThanOrEqual(5000)
    const s = stream(`${url}/v1/events`, { 'last-event-id': '100' })
    const filtered = stream(`${url}/v1/events?agent_id=seed-1&event_type=created`, { 'last-event-id': '100' })
    const frames = await s.waitFor(all.length, 60_000)
    expect(frames.map((f) => Number(f.id))).toEqual(all)
    const want = (await ledger.readEvents(100, 10_000)).filter((e) => e.event_type === 'created')
    const wantSeqs: number[] = []
    for (const e of want)
      if ((await ledger.getAction(e.action_id))!.agent_id === 'seed-1') wantSeqs.push(e.seq)
    expect((await filtered.waitFor(wantSeqs.length, 60_000)).map((f) => Number(f.id))).toEqual(wantSeqs)
    await new Promise((r) => setTimeout(r, 200))
    expect(s.frames).toHaveLength(all.length)
    expect(filtered.frames).toHaveLength(wantSeqs.length)
  }, 120_000)

  it('joins the live events at the seam with nothing missed and nothing twice', async () => {
    const { app, ledger, url } = await start()
    const other = stream(`${url}/v1/events`) // live all along, so the hub keeps a log the resuming client joins
    await eventually(async () => app.hub.size === 1)
    await new Promise((r) => setTimeout(r, 100))
    await seed(app, 2600)
    const s = stream(`${url}/v1/events`, { 'last-event-id': '0' })
    // Live events keep coming while the gap replays: first while the reader holds it up, then while it catches up.
    s.pause()
    for (let i = 0; i < 15; i++) await seed(app, 10)
    s.resume()
    for (let i = 0; i < 15; i++) {
      await seed(app, 10)
      await new Promise((r) => setTimeout(r, 5))
    }
    const all = await seqsAfter(ledger, 0)
    expect(all).toHaveLength(2 * 2900)
    const frames = await s.waitFor(all.length, 60_000)
    await new Promise((r) => setTimeout(r, 200))
    expect(s.frames).toHaveLength(all.length)
    expect(frames.map((f) => Number(f.id))).toEqual(all)
    expect(other.frames.map((f) => Number(f.id))).toEqual(all)
  }, 120_000)

  it('keeps a reader that is slow during the replay, holding about a page for it, and gives it everything', async () => {
    // A live client this far behind would be dropped (50 events); a replaying one waits for its socket instead.
    const { app, ledger, url } = await start({ sseMaxQueue: 50 })
    await seed(app, 2600, 'x'.repeat(1000))
    const s = stream(`${url}/v1/events`, { 'last-event-id': '0' })
    s.pause()
    await new Promise((r) => setTimeout(r, 1000))
    await seed(app, 100) // live events while it stalls
    await new Promise((r) => setTimeout(r, 1000))
    expect(app.hub.size).toBe(1)
    const held = app.hub.stats()
    expect(held.replaying).toBe(1)
    expect(held.unsentBytes).toBeGreaterThan(0) // its socket is full: the replay waits for it
    // The gap is over 10 MB of frames; the gateway holds at most what one page wrote (256 frames of ~2 KiB).
    expect(held.unsentBytes).toBeLessThan(1024 * 1024)
    s.resume()
    const all = await seqsAfter(ledger, 0)
    const frames = await s.waitFor(all.length, 60_000)
    expect(frames.map((f) => Number(f.id))).toEqual(all)
    expect(app.hub.size).toBe(1)
  }, 120_000)

  it('gives a new client every event committed after its connected comment', async () => {
    // A busy database: reading the head (where a new client starts) takes a while.
    const slowHead = (l: Ledger): Ledger => ({
      ...l,
      head: async () => {
        await new Promise((r) => setTimeout(r, 300))
        return l.head()
      },
    })
    const { app, ledger, url } = await start({}, slowHead)
    await seed(app, 5)
    const head = (await ledger.head())!.seq
    const ss = Array.from({ length: 20 }, () => stream(`${url}/v1/events`))
    // The moment each client has its `: connected`, an event is committed: every one of them must get it.
    await eventually(async () => ss.every((s) => s.comments.some((c) => c.trim() === 'connected')), 20_000)
    await seed(app, 1)
    for (const s of ss) expect((await s.waitFor(2)).map((f) => Number(f.id))).toEqual([head + 1, head + 2])
  })

  it('resumes an id beyond the head at the head: the next events arrive', async () => {
    const { app, ledger, url } = await start()
    await seed(app, 5)
    const head = (await ledger.head())!.seq
    const s = stream(`${url}/v1/events`, { 'last-event-id': String(head + 1000) })
    await eventually(async () => app.hub.size === 1)
    await new Promise((r) => setTimeout(r, 100))
    await seed(app, 2)
    const frames = await s.waitFor(4)
    expect(frames.map((f) => Number(f.id))).toEqual([head + 1, head + 2, head + 3, head + 4])
  })
})

describe('SSE Last-Event-ID that is not an event seq', () => {
  it('is refused with 422 naming it, in the header or the query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-sse-bad-'))
    const ledger = await openSqliteLedger(join(dir, 'actions.db'))
    const app = createApp({
      ledger,
      policy: staticPolicySource(parsePolicy(POLICY, { source: 'test.yaml' })),
      config: { executors: [] },
    })
    try {
      for (const bad of ['abc', '-1', '1.5', '1e3', '0x10', '12 34', '1234567890123456']) {
        const r = await app.request('/v1/events', { headers: { 'last-event-id': bad } })
        expect(r.status).toBe(422)
        expect(((await r.json()) as { detail: Array<{ loc: string[] }> }).detail[0]!.loc).toEqual([
          'header',
          'Last-Event-ID',
        ])
      }
      for (const bad of ['abc', '-1', '1.5']) {
        const r = await app.request(`/v1/events?last_event_id=${bad}`)
        expect(r.status).toBe(422)
        expect(JSON.stringify(await r.json())).toContain('last_event_id')
      }
      // An empty header is no header: the stream opens.
      const ok = await app.request('/v1/events', { headers: { 'last-event-id': '' } })
      expect(ok.status).toBe(200)
      await ok.body?.cancel()
    } finally {
      await app.close()
      await ledger.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
