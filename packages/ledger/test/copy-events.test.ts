// The Postgres COPY scan behind verify() and exportNdjson(): rows split across many socket chunks, escaped and
// non-ASCII fields, and a verify that stops early must leave the connection usable.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyEvents } from '../src/postgres/copy-events.js'
import type { Ledger } from '../src/types.js'
import { postgresBackend } from './postgres-backend.js'

const backend = postgresBackend()
beforeAll(() => backend.setup(), 60_000)
afterAll(() => backend.teardown(), 60_000)

const N = 1500
const meta = (i: number) => ({ i, note: `tab\there\nnewline \\ backslash "quote" é ✓ 🚀 \u0001 ${'x'.repeat(300)}` })

async function fill(ledger: Ledger): Promise<void> {
  const now = new Date().toISOString()
  await ledger.createAction(
    { id: 'a-copy', agent_id: 'a1', tool: 'shell', operation: 'run', params: {}, context: {}, status: 'pending_approval',
      decision: 'require_approval', reason: null, risk_level: 'low', policy_version: null, approval_token_hash: null,
      approval_expires_at: null, submitted_by: null, result: null, error: null, created_at: now, updated_at: now },
    [{ event_type: 'created', meta: meta(0) }],
  )
  for (let i = 1; i < N; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => ledger.appendEvent('a-copy', { event_type: 'decision_made', meta: meta(i + k) })))
  }
}

describe('postgres COPY scan', () => {
  it('verifies and exports events spanning many chunks with escaped and non-ASCII text', async () => {
    const db = await backend.fresh()
    const ledger = await db.open({ checkpointIntervalMs: 0, checkpointEvery: 500 })
    await fill(ledger)
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: N })
    const lines: string[] = []
    for await (const line of ledger.exportNdjson()) lines.push(line)
    const exported = lines.filter((l) => !l.startsWith('{"checkpoint"')).map((l) => JSON.parse(l) as { seq: number; meta: unknown })
    const read = [...(await ledger.readEvents(0, 10_000))]
    expect(exported.length).toBe(N)
    expect(exported.map((e) => e.meta)).toEqual(read.map((e) => e.meta))
    expect(exported.map((e) => e.seq)).toEqual(read.map((e) => e.seq))
    await ledger.close()
  }, 60_000)

  it('stops at a tampered event mid-stream and the connection still answers', async () => {
    const db = await backend.fresh()
    const ledger = await db.open({ checkpointIntervalMs: 0, checkpointEvery: 0 })
    await fill(ledger)
    await db.exec(`update action_events set meta = replace(meta, '"i":700,', '"i":701,') where seq = 701`)
    expect(await ledger.verify()).toMatchObject({ ok: false, seq: 701, reason: 'hash_mismatch', checked: 700 })
    expect(await ledger.head()).toMatchObject({ seq: N })
    expect(await ledger.verify({ from: 702 })).toMatchObject({ ok: true, checked: N - 701 })
    await ledger.close()
  }, 60_000)

  it('a scan left early with its read-ahead full still frees the connection', async () => {
    const db = await backend.fresh()
    const ledger = await db.open({ checkpointIntervalMs: 0, checkpointEvery: 0 })
    await fill(ledger)
    await ledger.close()
    const sql = postgres(db.location, { max: 1, onnotice: () => undefined })
    try {
      // A 16 KiB read-ahead pauses the stream long before its end; leaving the loop must read the rest.
      for await (const page of copyEvents(sql, 0, undefined, 10, 16 << 10)) {
        expect(page[0]!.seq).toBe(1)
        break
      }
      const [row] = await sql`select count(*)::int as n from action_events`
      expect(row!.n).toBe(N)
      let seen = 0
      for await (const page of copyEvents(sql, 100, 1200, 7, 16 << 10)) seen += page.length
      expect(seen).toBe(1100)
    } finally {
      await sql.end({ timeout: 1 })
    }
  }, 60_000)
})
