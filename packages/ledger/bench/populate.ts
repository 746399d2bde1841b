// Bulk data for the list and verify benchmarks, written behind the ledger's back (inserting 1,000,000 rows through
// the API would measure group commit, not list or verify). Events are chained with the real hash code.
import { randomUUID } from 'node:crypto'
import type { ActionStatus } from '@faramesh/policy-core'
import Database from 'better-sqlite3'
import type { Sql } from 'postgres'
import { chainEvents, type StoredEvent, type UnchainedEvent } from '../src/hash-chain.js'

export const TOOLS = Array.from({ length: 20 }, (_, i) => `tool-${i}`)
export const AGENTS = 1000
// Skewed like real traffic: mostly finished actions, a few pending or timed out.
export const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'allowed', 'denied', 'denied', 'failed', 'pending_approval', 'approved', 'executing', 'timeout'] as const satisfies readonly ActionStatus[]

function actionRow(i: number, t0: number) {
  const at = new Date(t0 + i * 10).toISOString()
  return {
    id: randomUUID(), agent_id: `agent-${i % AGENTS}`, tool: TOOLS[(i * 7) % TOOLS.length]!, operation: i % 3 ? 'run' : 'read',
    params: JSON.stringify({ cmd: `echo ${i}`, n: i }), context: '{}', status: STATUSES[(i * 13) % STATUSES.length]!,
    decision: 'allow', reason: 'bench', risk_level: 'low', created_at: at, updated_at: at,
  }
}

export function populateSqliteActions(path: string, n: number): void {
  const db = new Database(path)
  db.pragma('synchronous = OFF')
  const ins = db.prepare(
    `INSERT INTO actions (id, agent_id, tool, operation, params, context, status, decision, reason, risk_level, created_at, updated_at)
     VALUES (@id, @agent_id, @tool, @operation, @params, @context, @status, @decision, @reason, @risk_level, @created_at, @updated_at)`,
  )
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) ins.run(actionRow(i, t0))
  })
  for (let i = 0; i < n; i += 50_000) chunk(i, Math.min(n, i + 50_000))
  db.close()
}

export async function populatePostgresActions(sql: Sql, n: number): Promise<void> {
  const tools = `array[${TOOLS.map((t) => `'${t}'`).join(',')}]`
  const statuses = `array[${STATUSES.map((s) => `'${s}'`).join(',')}]`
  await sql.unsafe(`
    insert into actions (id, agent_id, tool, operation, params, context, status, decision, reason, risk_level, created_at, updated_at)
    select gen_random_uuid()::text, 'agent-' || (i % ${AGENTS}), (${tools})[(i * 7) % ${TOOLS.length} + 1], case when i % 3 = 0 then 'read' else 'run' end,
           jsonb_build_object('cmd', 'echo ' || i, 'n', i), '{}'::jsonb, (${statuses})[(i * 13) % ${STATUSES.length} + 1], 'allow', 'bench', 'low',
           to_char(timestamp '2026-01-01' + i * interval '10 milliseconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(timestamp '2026-01-01' + i * interval '10 milliseconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    from generate_series(0, ${n - 1}) as i`)
  await sql`analyze actions`
}

/** Chained events in chunks, so 1,000,000 of them never sit in memory at once. */
export function* eventChunks(n: number, size = 20_000): Generator<StoredEvent[]> {
  let head: { seq: number; hash: string } | null = null
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')
  for (let from = 0; from < n; from += size) {
    const batch: UnchainedEvent[] = []
    for (let i = from; i < Math.min(n, from + size); i++) {
      batch.push({ id: randomUUID(), action_id: `action-${i >> 2}`, event_type: i % 4 ? 'succeeded' : 'created', meta: `{"exit_code":0,"i":${i},"note":"bench"}`, created_at: new Date(t0 + i).toISOString() })
    }
    const chained = chainEvents(head, batch)
    head = chained[chained.length - 1]!
    yield chained
  }
}

export function populateSqliteEvents(path: string, n: number): void {
  const db = new Database(path)
  db.pragma('synchronous = OFF')
  const ins = db.prepare('INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const write = db.transaction((rows: StoredEvent[]) => {
    for (const e of rows) ins.run(e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at, e.prev_hash, e.hash)
  })
  for (const chunk of eventChunks(n)) write(chunk)
  db.close()
}

export async function populatePostgresEvents(sql: Sql, n: number): Promise<void> {
  const cols = ['seq', 'id', 'action_id', 'event_type', 'meta', 'created_at', 'prev_hash', 'hash'] as const
  for (const chunk of eventChunks(n, 5000)) await sql`insert into action_events ${sql(chunk, ...cols)}`
  await sql`analyze action_events`
}
