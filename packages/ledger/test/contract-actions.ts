// Contract, part 1: actions (create, get, list, filters, pagination, counts, transitions). Runs on every backend.
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../src/errors.js'
import type { Ledger } from '../src/types.js'
import type { Backend } from './backends.js'
import { createdEvents, justCreated, newAction, NO_DECISION_FIELDS } from './fixtures.js'

async function rejects(p: Promise<unknown>, code: string): Promise<LedgerError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(LedgerError)
  expect((err as LedgerError).code).toBe(code)
  return err as LedgerError
}

export function actionsContract(backend: Backend, open: () => Promise<Ledger>): void {
  describe(`${backend.name}: actions`, () => {
    it('stores an action with its first events and returns it exactly as submitted', async () => {
      const ledger = await open()
      const a = newAction({ result: { rows: [1, 2.25, 'x'] }, outcome: 'ABSTAIN', reason_code: 'POLICY_REQUIRE_APPROVAL', rule_index: 3, reason_details: { k: [true] } })
      const { action, events } = await ledger.createAction(a, createdEvents())
      expect(action).toEqual({ ...NO_DECISION_FIELDS, ...a })
      expect(await ledger.getAction(a.id)).toEqual({ ...NO_DECISION_FIELDS, ...a })
      expect(events.map((e) => [e.seq, e.event_type, e.action_id])).toEqual([[1, 'created', a.id], [2, 'decision_made', a.id]])
      expect(events[0]!.prev_hash).toBe('')
      expect(events[1]!.prev_hash).toBe(events[0]!.hash)
      expect(await ledger.getEvents(a.id)).toEqual(events)
      await ledger.close()
    })

    it('stages an action: the stored record at once, the write after; bad input throws before anything is written', async () => {
      const ledger = await open()
      // params with an undefined member and a Date: the staged record is what a read gives back, not the input.
      const a = newAction({ params: { when: new Date(0), gone: undefined, n: 1 } as never })
      const staged = ledger.stageAction(a, createdEvents())
      expect(staged.action.params).toEqual({ when: '1970-01-01T00:00:00.000Z', n: 1 })
      expect(await ledger.getAction(a.id)).toBeNull()
      const { action, events } = await staged.written
      expect(action).toBe(staged.action)
      expect(await ledger.getAction(a.id)).toEqual(staged.action)
      expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made'])
      expect(() => ledger.stageAction({ ...newAction(), tool: '' }, [])).toThrow(LedgerError)
      await rejects(ledger.stageAction(a, createdEvents()).written, 'CONFLICT')
      expect(await ledger.countActions()).toBe(1)
      await ledger.close()
      expect(() => ledger.stageAction(newAction(), [])).toThrow(/closed/i)
    })

    it('answers null for an unknown id, CONFLICT for a duplicate id and INVALID_INPUT for a malformed action', async () => {
      const ledger = await open()
      expect(await ledger.getAction('nope')).toBeNull()
      const a = newAction()
      await ledger.createAction(a, createdEvents())
      await rejects(ledger.createAction(a, createdEvents()), 'CONFLICT')
      await rejects(ledger.createAction({ ...newAction(), tool: '' }, []), 'INVALID_INPUT')
      await rejects(ledger.createAction({ ...newAction(), status: 'bogus' as never }, []), 'INVALID_INPUT')
      await rejects(ledger.createAction(newAction({ params: { x: Number.NaN } }), []), 'INVALID_INPUT')
      expect((await ledger.head())!.seq).toBe(2)
      await ledger.close()
    })

    it('refuses a second action with the same idempotency key in one scope, finds it by key, never conflicts null keys', async () => {
      const ledger = await open()
      const a = newAction({ agent_id: 'ag', submitted_by: 'alice', idempotency_key: 'k1' })
      await ledger.createAction(a, createdEvents())
      const dup = newAction({ agent_id: 'other', submitted_by: 'alice', idempotency_key: 'k1' })
      await rejects(ledger.createAction(dup, createdEvents()), 'CONFLICT')
      expect(await ledger.getAction(dup.id)).toBeNull()
      expect((await ledger.head())!.seq).toBe(2)
      expect((await ledger.findByIdempotencyKey('alice', 'k1'))?.id).toBe(a.id)
      expect(await ledger.findByIdempotencyKey('alice', 'k2')).toBeNull()
      expect(await ledger.findByIdempotencyKey('ag', 'k1')).toBeNull()
      // Another principal, and (auth off) the agent as scope: same key, separate actions.
      await ledger.createAction(newAction({ agent_id: 'ag', submitted_by: 'bob', idempotency_key: 'k1' }), createdEvents())
      const anon = newAction({ agent_id: 'ag', submitted_by: null, idempotency_key: 'k1' })
      await ledger.createAction(anon, createdEvents())
      expect((await ledger.findByIdempotencyKey('ag', 'k1'))?.id).toBe(anon.id)
      await rejects(ledger.createAction(newAction({ agent_id: 'ag', submitted_by: null, idempotency_key: 'k1' }), createdEvents()), 'CONFLICT')
      for (let i = 0; i < 3; i++) await ledger.createAction(newAction({ agent_id: 'ag', submitted_by: 'alice', idempotency_key: null }), createdEvents())
      // Concurrent duplicates in one group-commit batch: exactly one wins, the rest are CONFLICT, batch-mates unharmed.
      const racers = Array.from({ length: 8 }, () => newAction({ agent_id: 'ag', submitted_by: 'carol', idempotency_key: 'race' }))
      const other = newAction()
      const settled = await Promise.allSettled([...racers.map((r) => ledger.createAction(r, createdEvents())), ledger.createAction(other, createdEvents())])
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2)
      for (const s of settled) if (s.status === 'rejected') expect((s.reason as LedgerError).code).toBe('CONFLICT')
      expect(await ledger.countActions()).toBe(8)
      expect((await ledger.verify()).ok).toBe(true)
      await ledger.close()
    })

    it('stores a NUL character on SQLite, refuses it on Postgres (jsonb cannot hold it) without failing batch-mates', async () => {
      const ledger = await open()
      const nul = newAction({ params: { s: 'a\u0000b' } })
      const ok = newAction()
      const [r1, r2] = await Promise.allSettled([ledger.createAction(nul, createdEvents()), ledger.createAction(ok, createdEvents())])
      expect(r2.status).toBe('fulfilled')
      if (backend.name === 'sqlite') expect((await ledger.getAction(nul.id))?.params).toEqual({ s: 'a\u0000b' })
      else expect(((r1 as PromiseRejectedResult).reason as LedgerError).code).toBe('INVALID_INPUT')
      expect((await ledger.verify()).ok).toBe(true)
      await ledger.close()
    })

    it('lists newest first with filters, text search, limit/offset and counts', async () => {
      const ledger = await open()
      const made = []
      for (let i = 0; i < 12; i++) {
        const a = newAction({
          tool: i % 3 === 0 ? 'http' : 'shell',
          operation: i % 2 ? 'get' : 'run_Script',
          agent_id: `agent-${i % 2}`,
          status: i % 4 === 0 ? 'denied' : 'allowed',
          risk_level: i === 5 ? 'high' : 'low',
          submitted_by: i % 3 === 1 ? 'bot' : i % 3 === 2 ? 'bot2' : null,
        })
        await ledger.createAction(a, justCreated())
        made.push(a)
      }
      const ids = (xs: { id: string }[]) => xs.map((x) => x.id)
      const newest = [...made].reverse()
      expect(ids((await ledger.listActions()).items)).toEqual(ids(newest))
      expect(ids((await ledger.listActions({ limit: 5, offset: 2 })).items)).toEqual(ids(newest.slice(2, 7)))
      expect(ids((await ledger.listActions({ tool: 'http' })).items)).toEqual(ids(newest.filter((a) => a.tool === 'http')))
      expect(ids((await ledger.listActions({ status: 'denied' })).items)).toEqual(ids(newest.filter((a) => a.status === 'denied')))
      expect((await ledger.listActions({ status: ['denied', 'allowed'] })).items).toHaveLength(12)
      expect(ids((await ledger.listActions({ agent_id: 'agent-1', tool: 'shell' })).items)).toEqual(
        ids(newest.filter((a) => a.agent_id === 'agent-1' && a.tool === 'shell')),
      )
      expect(ids((await ledger.listActions({ risk_level: 'high' })).items)).toEqual([made[5]!.id])
      expect(ids((await ledger.listActions({ submitted_by: 'bot' })).items)).toEqual(ids(newest.filter((a) => a.submitted_by === 'bot')))
      expect(ids((await ledger.listActions({ submitted_by: 'bot2', limit: 2, offset: 1 })).items)).toEqual(
        ids(newest.filter((a) => a.submitted_by === 'bot2').slice(1, 3)),
      )
      expect(await ledger.countActions({ submitted_by: 'bot' })).toBe(4)
      expect(await ledger.countActions({ submitted_by: 'nobody' })).toBe(0)
      expect((await ledger.listActions({ q: 'RUN_script' })).items).toHaveLength(6)
      expect(ids((await ledger.listActions({ q: made[7]!.id.slice(4, 13).toUpperCase() })).items)).toEqual([made[7]!.id])
      expect((await ledger.listActions({ q: '%' })).items).toHaveLength(0)
      expect((await ledger.listActions({ since: made[10]!.created_at })).items.length).toBeGreaterThanOrEqual(2)
      expect(await ledger.countActions()).toBe(12)
      expect(await ledger.countActions({ tool: 'http', status: 'denied' })).toBe(made.filter((a) => a.tool === 'http' && a.status === 'denied').length)
      const stats = await ledger.stats()
      const total = stats.by_status_tool.reduce((s, r) => s + r.count, 0)
      expect(total).toBe(12)
      expect(stats.by_status_tool.find((r) => r.status === 'denied' && r.tool === 'http')?.count).toBe(made.filter((a) => a.status === 'denied' && a.tool === 'http').length)
      await rejects(ledger.listActions({ limit: 0 }), 'INVALID_INPUT')
      await rejects(ledger.listActions({ cursor: 'garbage!' }), 'INVALID_INPUT')
      await ledger.close()
    })

    it('pages with a cursor that stays stable while new actions arrive', async () => {
      const ledger = await open()
      const made = []
      for (let i = 0; i < 7; i++) made.push((await ledger.createAction(newAction(), justCreated())).action)
      const p1 = await ledger.listActions({ limit: 3 })
      for (let i = 0; i < 4; i++) await ledger.createAction(newAction(), justCreated())
      const p2 = await ledger.listActions({ limit: 3, cursor: p1.next_cursor! })
      const p3 = await ledger.listActions({ limit: 3, cursor: p2.next_cursor! })
      const seen = [...p1.items, ...p2.items, ...p3.items].map((a) => a.id)
      expect(seen).toEqual(made.map((a) => a.id).reverse())
      expect(p3.next_cursor).toBeNull()
      await ledger.close()
    })

    it('finds actions by id prefix and lists expired approvals', async () => {
      const ledger = await open()
      const a = newAction({ id: 'abc-1', approval_expires_at: '2020-01-01T00:00:00.000Z' })
      const b = newAction({ id: 'abc-2', approval_expires_at: '2999-01-01T00:00:00.000Z' })
      const c = newAction({ id: 'abd-3', status: 'allowed', approval_expires_at: '2020-01-01T00:00:00.000Z' })
      for (const x of [a, b, c]) await ledger.createAction(x, justCreated())
      expect((await ledger.findByIdPrefix('abc')).map((x) => x.id)).toEqual(['abc-1', 'abc-2'])
      expect((await ledger.findByIdPrefix('ab', 1)).map((x) => x.id)).toEqual(['abc-1'])
      expect((await ledger.expiredApprovals(new Date().toISOString())).map((x) => x.id)).toEqual(['abc-1'])
      await ledger.close()
    })

    it('changes status by compare-and-set together with its event', async () => {
      const ledger = await open()
      const a = newAction({ request_hash: 'r'.repeat(64) })
      await ledger.createAction(a, createdEvents())
      const { action, event } = await ledger.transition(a.id, {
        from: ['pending_approval'],
        to: 'approved',
        patch: { approval_token_hash: null, reason: 'ok by alice' },
        event: { event_type: 'approved', meta: { by: 'alice', reason: 'ok', request_hash: a.request_hash } },
        expectRequestHash: a.request_hash!,
      })
      expect(action).toMatchObject({ status: 'approved', approval_token_hash: null, reason: 'ok by alice', params: a.params })
      expect(action.updated_at >= a.updated_at).toBe(true)
      expect(event).toMatchObject({ seq: 3, event_type: 'approved', action_id: a.id, meta: { by: 'alice' } })
      expect(await ledger.getAction(a.id)).toEqual(action)

      const refused = await rejects(ledger.transition(a.id, { from: ['pending_approval'], to: 'denied', event: { event_type: 'denied', meta: {} } }), 'INVALID_TRANSITION')
      expect(refused.message).toContain('approved')
      await rejects(ledger.transition('missing', { from: ['allowed'], to: 'executing', event: { event_type: 'started', meta: {} } }), 'NOT_FOUND')
      await rejects(
        ledger.transition(a.id, { from: ['approved'], to: 'executing', event: { event_type: 'started', meta: {} }, expectRequestHash: 'x' }),
        'INVALID_TRANSITION',
      )
      await rejects(ledger.transition(a.id, { from: ['approved'], to: 'executing', patch: { id: 'x' } as never, event: { event_type: 'started', meta: {} } }), 'INVALID_INPUT')
      const done = await ledger.transition(a.id, { from: ['approved', 'executing'], to: 'succeeded', patch: { result: { out: 'ok' } }, event: { event_type: 'succeeded', meta: { exit_code: 0 } } })
      expect(done.action).toMatchObject({ status: 'succeeded', result: { out: 'ok' } })
      expect((await ledger.head())!.seq).toBe(4)
      expect((await ledger.verify()).ok).toBe(true)
      await ledger.close()
    })

    it('lets exactly one of 50 concurrent approvals win, writing exactly one event', async () => {
      const ledger = await open()
      const a = newAction()
      await ledger.createAction(a, createdEvents())
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          ledger.transition(a.id, { from: ['pending_approval'], to: i % 2 ? 'approved' : 'denied', event: { event_type: i % 2 ? 'approved' : 'denied', meta: { by: `approver-${i}` } } }),
        ),
      )
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost.every((r) => (r.reason as LedgerError).code === 'INVALID_TRANSITION')).toBe(true)
      const events = await ledger.getEvents(a.id)
      expect(events.map((e) => e.event_type).filter((t) => t === 'approved' || t === 'denied')).toHaveLength(1)
      expect((await ledger.head())!.seq).toBe(3)
      expect((await ledger.verify()).ok).toBe(true)
      await ledger.close()
    })

    it('keeps a refused write from failing the other writes committed in the same batch', async () => {
      const ledger = await open()
      const dup = newAction()
      await ledger.createAction(dup, justCreated())
      const writes = [
        ledger.createAction(newAction(), createdEvents()),
        ledger.createAction(dup, createdEvents()),
        ledger.appendEvent('missing', { event_type: 'failed', meta: {} }),
        ledger.appendEvent(dup.id, { event_type: 'started', meta: { note: 'x' } }),
        ledger.createAction(newAction(), createdEvents()),
      ]
      const r = await Promise.allSettled(writes)
      expect(r.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled'])
      expect(((r[1] as PromiseRejectedResult).reason as LedgerError).code).toBe('CONFLICT')
      expect(((r[2] as PromiseRejectedResult).reason as LedgerError).code).toBe('NOT_FOUND')
      expect((await ledger.head())!.seq).toBe(6)
      expect((await ledger.readEvents(0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
      expect((await ledger.verify()).ok).toBe(true)
      await ledger.close()
    })
  })
}
