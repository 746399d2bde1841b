import { describe, expect, it } from 'vitest'
import { gatewaySubmit } from '../test/audit-fixtures.js'
import { createdEvents, newAction } from '../test/fixtures.js'
import { checkRow, createStamp, foldAction, stampValue, writeStamp, type FoldEvent } from './action-fold.js'
import { prepareAction } from './action-codec.js'
import { sha256Hex } from './canonical.js'
import type { ActionRecord, NewEvent } from './types.js'
import { createOp, transitionOp } from './write-ops.js'

const NOW = '2026-12-07T10:00:00.000Z'

/** The events of a create as verify reads them back. */
function chained(record: ActionRecord, events: NewEvent[]): { row: ActionRecord; events: FoldEvent[] } {
  const op = createOp(record, events, NOW)
  return { row: op.record, events: op.events.map((e, i) => ({ seq: i + 1, event_type: e.event_type, created_at: e.created_at, meta: JSON.parse(e.meta) as Record<string, unknown> })) }
}

describe('createStamp', () => {
  it('adds nothing to what the gateway already says for an allowed or denied submit', () => {
    for (const decision of ['allow', 'deny'] as const) {
      const { record, events } = gatewaySubmit({ decision })
      const op = createOp(record, events, NOW)
      expect(op.events[1]!.meta.endsWith(',"stored":{}}')).toBe(true)
      expect(JSON.parse(op.events[0]!.meta)).toEqual(events[0]!.meta)
    }
  })

  it('records the approval token hash and expiry of a pending submit, and what the metas do not say', () => {
    const { record, events } = gatewaySubmit()
    const { events: ev } = chained(record, events)
    expect(ev[1]!.meta.stored).toEqual({ approval_expires_at: record.approval_expires_at, approval_token_hash: record.approval_token_hash })
    const odd = { ...record, reason_details: { upgraded_from: 'allow' }, profile_id: 'p1', idempotency_key: 'k', reason: 'changed' }
    const o = prepareAction(odd, NOW)
    expect(JSON.parse(createStamp(o.record, o.row, ev, ev.map((e) => e.meta)))).toEqual({
      approval_expires_at: record.approval_expires_at,
      approval_token_hash: record.approval_token_hash,
      idempotency_key: 'k',
      profile_id: 'p1',
      reason: 'changed',
      reason_details: { sha256: sha256Hex('{"upgraded_from":"allow"}') },
    })
  })

  it('records params and context by digest when no request_hash vouches for them, and provenance parts when none does', () => {
    const a = newAction({ request_hash: 'a'.repeat(64), policy_hash: 'b'.repeat(64) })
    const { events } = chained(a, createdEvents())
    const stored = events[1]!.meta.stored as Record<string, unknown>
    expect(stored.params).toEqual(stampValue('params', a.params))
    expect(stored).toMatchObject({ request_hash: 'a'.repeat(64), policy_hash: 'b'.repeat(64), agent_id: 'agent-1' })
    // decision_made said decision, reason, risk_level and reason_code, and the decision says the status: not repeated.
    for (const said of ['decision', 'reason', 'status']) expect(stored).not.toHaveProperty(said)
    // It said a reason_code the row does not have: the row's value is recorded.
    expect(stored.reason_code).toBeNull()
  })
})

describe('foldAction and checkRow', () => {
  it('the row a gateway create stores is exactly what its events say, and any column changed is named', () => {
    const { record, events } = gatewaySubmit()
    const { row, events: ev } = chained(record, events)
    const x = foldAction(ev)
    expect(checkRow(x, row)).toEqual({ mismatch: null, uncovered: [] })
    expect(checkRow(x, { ...row, status: 'approved' }).mismatch).toMatchObject({ field: 'status', seq: 2, expected: '"pending_approval"', actual: '"approved"' })
    expect(checkRow(x, { ...row, params: { cmd: 'rm -rf /' } }).mismatch).toMatchObject({ field: 'params/context' })
    expect(checkRow(x, { ...row, runtime_version: 'evil' }).mismatch).toMatchObject({ field: 'policy_hash/profile_hash/runtime_version' })
    // Moving the join between two provenance parts would keep provenanceId: parts may not contain it.
    const split = { ...row, policy_hash: `${row.policy_hash}|${row.profile_hash}`, profile_hash: null }
    expect(checkRow(x, split).mismatch).toMatchObject({ field: 'policy_hash/profile_hash/runtime_version' })
  })

  it('follows transitions by their stamps; an append changes nothing', () => {
    const { record, events } = gatewaySubmit()
    const { row, events: ev } = chained(record, events)
    const t = transitionOp(row.id, { from: ['pending_approval'], to: 'approved', patch: { approval_token_hash: null, approval_expires_at: null }, event: { event_type: 'approved', meta: { by: 'al' } } }, '2026-12-07T10:01:00.000Z')
    const set = JSON.parse(t.events[0]!.meta).set
    expect(set).toEqual({ approval_expires_at: null, approval_token_hash: null, status: 'approved' })
    const after = { ...row, status: 'approved' as const, approval_token_hash: null, approval_expires_at: null, updated_at: '2026-12-07T10:01:00.000Z' }
    const all = [...ev, { seq: 3, event_type: 'approved', created_at: '2026-12-07T10:01:00.000Z', meta: { by: 'al', set } }, { seq: 4, event_type: 'started', created_at: 'later', meta: { set: {} } }]
    expect(checkRow(foldAction(all), after)).toEqual({ mismatch: null, uncovered: [] })
    expect(checkRow(foldAction(all), { ...after, approval_token_hash: 'x' }).mismatch).toMatchObject({ field: 'approval_token_hash', seq: 3 })
    expect(writeStamp('succeeded', [['result', '{"b":1,"a":[2]}'], ['updated_at', 'T']], 'T')).toEqual({ status: 'succeeded', result: { sha256: sha256Hex('{"a":[2],"b":1}') } })
  })

  it('reads events written before stamps as the gateway wrote them, leaving what they cannot say uncovered', () => {
    const { record, events } = gatewaySubmit()
    const legacy: FoldEvent[] = events.map((e, i) => ({ seq: i + 1, event_type: e.event_type, created_at: e.created_at!, meta: e.meta }))
    const x = foldAction([...legacy, { seq: 3, event_type: 'denied', created_at: 'T', meta: { by: 'al' } }])
    const { mismatch, uncovered } = checkRow(x, { ...record, status: 'denied', updated_at: 'T', approval_token_hash: null })
    expect(mismatch).toBeNull()
    expect(uncovered.sort()).toEqual(['approval_expires_at', 'approval_token_hash', 'created_at', 'error', 'idempotency_key', 'profile_id', 'profile_version', 'reason_details', 'result'])
    expect(checkRow(x, { ...record, status: 'approved', updated_at: 'T' }).mismatch).toMatchObject({ field: 'status', seq: 3 })
    expect(foldAction([])).toEqual({})
  })
})

describe('stamps on the write path', () => {
  it('refuses metas that use the stamps\' keys, and an action created without events', () => {
    const { record } = gatewaySubmit()
    expect(() => createOp(record, [{ event_type: 'created', meta: { stored: {} } }], NOW)).toThrow(/ledger's own/)
    expect(() => transitionOp(record.id, { from: ['allowed'], to: 'executing', event: { event_type: 'started', meta: { set: { status: 'x' } } } }, NOW)).toThrow(/ledger's own/)
    expect(() => createOp(record, [], NOW)).toThrow(/at least one event/)
  })

  it('keeps the meta canonical when a key sorts after the stamp', () => {
    const { record } = gatewaySubmit({ decision: 'allow' })
    const op = createOp(record, [{ event_type: 'created', meta: { zzz: 1, agent_id: 'agent-7' } }], NOW)
    const meta = op.events[0]!.meta
    expect(Object.keys(JSON.parse(meta))).toEqual(['agent_id', 'stored', 'zzz'])
  })
})
