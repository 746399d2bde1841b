// Actions written the way the gateway writes them (its submit's record and event metas, its approvals and results),
// and the same history written as the ledger did before stamps (straight into the tables, chained with the real
// hash code), for the verify-the-actions-table contract.
import { randomBytes, randomUUID } from 'node:crypto'
import { provenanceId, requestHash } from '@faramesh/policy-core'
import { chainEvents, type StoredEvent, type UnchainedEvent } from '../src/hash-chain.js'
import { canonicalJson } from '../src/canonical.js'
import type { ActionRecord, Ledger, NewEvent } from '../src/types.js'
import type { TestDb } from './backends.js'

const POLICY_HASH = 'ab'.repeat(32)
const PROFILE_HASH = 'cd'.repeat(32)
const RUNTIME = 'faramesh-ts/0.1.0'

/** What the gateway's submit stores: the record and its created/decision_made events (actions-service.ts). */
export function gatewaySubmit(over: { decision?: 'allow' | 'deny' | 'require_approval'; params?: Record<string, unknown>; by?: string | null } = {}) {
  const decision = over.decision ?? 'require_approval'
  const at = new Date().toISOString()
  const req = { agent_id: 'agent-7', tool: 'shell', operation: 'run', params: over.params ?? { cmd: 'ls -la', n: 1.5 }, context: { timeout: 30 } }
  const request_hash = requestHash(req)
  const provenance_id = provenanceId({ request_hash, policy_hash: POLICY_HASH, profile_hash: PROFILE_HASH, runtime_version: RUNTIME })
  const status = ({ allow: 'allowed', deny: 'denied', require_approval: 'pending_approval' } as const)[decision]
  const outcome = ({ allow: 'EXECUTE', deny: 'HALT', require_approval: 'ABSTAIN' } as const)[decision]
  const pending = decision === 'require_approval'
  const by = over.by === undefined ? 'agent-token' : over.by
  const record: ActionRecord = {
    id: randomUUID(), ...req, status, decision, reason: 'Shell needs approval', risk_level: 'low', policy_version: 'sha256:abababababab',
    approval_token_hash: pending ? randomBytes(32).toString('hex') : null,
    approval_expires_at: pending ? new Date(Date.now() + 3_600_000).toISOString() : null,
    submitted_by: by, result: null, error: null, created_at: at, updated_at: at, outcome,
    reason_code: 'POLICY_REQUIRE_APPROVAL', reason_details: null, risk_rule: null, rule_index: 3, request_hash,
    policy_hash: POLICY_HASH, profile_id: null, profile_version: null, profile_hash: PROFILE_HASH, runtime_version: RUNTIME,
    provenance_id, idempotency_key: null,
  }
  const events: NewEvent[] = [
    { event_type: 'created', meta: { agent_id: req.agent_id, by, operation: req.operation, tool: req.tool }, created_at: at },
    {
      event_type: 'decision_made',
      meta: {
        decision, outcome, policy_version: record.policy_version, provenance_id, reason: record.reason, reason_code: record.reason_code,
        request_hash, risk_level: record.risk_level, risk_rule: null, rule_index: 3,
      },
      created_at: at,
    },
  ]
  return { record, events }
}

/** The gateway's approve, start and executor result for a pending action. */
export async function approveAndRun(ledger: Ledger, a: ActionRecord, result: unknown = { exit_code: 0, stdout: 'ok\n' }): Promise<void> {
  const rh = a.request_hash!
  await ledger.transition(a.id, {
    from: ['pending_approval'], to: 'approved', patch: { approval_token_hash: null, approval_expires_at: null },
    event: { event_type: 'approved', meta: { by: 'alice', reason: null, request_hash: rh } }, expectRequestHash: rh,
  })
  await ledger.transition(a.id, {
    from: ['approved'], to: 'executing', event: { event_type: 'started', meta: { by: 'alice', executor: 'shell', request_hash: rh } }, expectRequestHash: rh,
  })
  await ledger.transition(a.id, {
    from: ['executing'], to: 'succeeded', patch: { result, error: null }, event: { event_type: 'succeeded', meta: { exit_code: 0, error: null } },
  })
}

const lit = (v: unknown): string => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`)

/**
 * Writes actions and their chained events as the gateway and ledger did before stamps existed (no `stored`/`set`
 * metas): submits, and for every other action an approval, start and result. Appends after `head`.
 */
export async function writeLegacy(db: TestDb, dialect: 'sqlite' | 'postgres', n: number): Promise<ActionRecord[]> {
  const [h] = await db.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM action_events ORDER BY seq DESC LIMIT 1')
  let head: { seq: number; hash: string } | null = h ? { seq: Number(h.seq), hash: h.hash } : null
  const out: ActionRecord[] = []
  for (let i = 0; i < n; i++) {
    const { record, events } = gatewaySubmit()
    const unchained: UnchainedEvent[] = events.map((e) => ({
      id: randomUUID(), action_id: record.id, event_type: e.event_type, meta: canonicalJson(e.meta), created_at: e.created_at!,
    }))
    const row = { ...record }
    if (i % 2 === 1) {
      const at = new Date().toISOString()
      const rh = record.request_hash
      unchained.push(
        { id: randomUUID(), action_id: record.id, event_type: 'approved', meta: canonicalJson({ by: 'alice', reason: null, request_hash: rh }), created_at: at },
        { id: randomUUID(), action_id: record.id, event_type: 'started', meta: canonicalJson({ by: 'alice', executor: 'shell', request_hash: rh }), created_at: at },
        { id: randomUUID(), action_id: record.id, event_type: 'succeeded', meta: canonicalJson({ error: null, exit_code: 0 }), created_at: at },
      )
      Object.assign(row, { status: 'succeeded', approval_token_hash: null, approval_expires_at: null, result: { exit_code: 0 }, updated_at: at })
    }
    const cols = Object.keys(row) as Array<keyof ActionRecord>
    const vals = cols.map((c) => (['params', 'context', 'result', 'reason_details'].includes(c) ? (row[c] === null ? 'NULL' : lit(JSON.stringify(row[c]))) : lit(row[c])))
    await db.exec(`INSERT INTO actions (${cols.join(', ')}) VALUES (${vals.join(', ')})`)
    const [pos] = await db.query<{ pos: number | string }>(`SELECT pos FROM actions WHERE id = ${lit(record.id)}`)
    const chained: StoredEvent[] = chainEvents(head, unchained)
    head = chained.at(-1)!
    for (const e of chained) {
      const base = [e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at, e.prev_hash, e.hash].map(lit)
      await db.exec(
        dialect === 'sqlite'
          ? `INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, action_pos) VALUES (${[...base, lit(Number(pos!.pos))].join(', ')})`
          : `INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash) VALUES (${base.join(', ')})`,
      )
    }
    out.push(row)
  }
  return out
}
