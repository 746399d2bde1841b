import type { Action, StreamFrame } from '@faramesh/policy-core'
import { describe, expect, it } from 'vitest'
import { EMPTY_FILTERS } from './filters.js'
import { applyFrame } from './live-list.js'

let n = 0
const action = (over: Partial<Action> = {}): Action => ({
  id: `id-${++n}`,
  agent_id: 'a',
  tool: 'shell',
  operation: 'run',
  params: {},
  context: {},
  status: 'allowed',
  decision: 'allow',
  reason: null,
  risk_level: 'low',
  approval_token: null,
  policy_version: null,
  created_at: '2026-11-25T09:00:00.000Z',
  updated_at: '2026-11-25T09:00:00.000Z',
  ...over,
})
const frame = (data: Action, event_type: StreamFrame['event_type'] = 'decision_made'): StreamFrame => ({
  type: event_type === 'created' ? 'action.created' : 'action.updated',
  event_type,
  action_id: data.id,
  data,
  timestamp: data.updated_at,
  seq: 1,
})

describe('applyFrame', () => {
  const f = { ...EMPTY_FILTERS, size: 3 }

  it('puts a new matching action on top of page one and keeps the page size', () => {
    const view = { items: [action(), action(), action()], total: 10 }
    const fresh = action()
    const { view: next, change } = applyFrame(view, frame(fresh), f)
    expect(change).toBe('inserted')
    expect(next.items.map((a) => a.id)).toEqual([fresh.id, view.items[0]!.id, view.items[1]!.id])
    expect(next.total).toBe(11)
  })

  it('updates a visible row in place and never exposes an approval token in the list', () => {
    const row = action({ status: 'pending_approval' })
    const approved = { ...row, status: 'approved' as const, approval_token: 'secret', updated_at: '2026-11-25T09:01:00.000Z' }
    const { view, change } = applyFrame({ items: [row], total: 1 }, frame(approved, 'approved'), f)
    expect(change).toBe('updated')
    expect(view.items[0]!.status).toBe('approved')
    expect(view.items[0]!.approval_token).toBeNull()
  })

  it('ignores an older version of a row that arrives late', () => {
    const row = action({ status: 'approved', updated_at: '2026-11-25T09:05:00.000Z' })
    const stale = { ...row, status: 'pending_approval' as const, updated_at: '2026-11-25T09:01:00.000Z' }
    expect(applyFrame({ items: [row], total: 1 }, frame(stale), f).change).toBe('none')
  })

  it('leaves out actions the filters exclude, and status changes of rows not on the page', () => {
    const view = { items: [], total: 0 }
    expect(applyFrame(view, frame(action({ tool: 'http' })), { ...f, tool: 'shell' }).change).toBe('none')
    expect(applyFrame(view, frame(action(), 'approved'), f).change).toBe('none')
  })

  it('on later pages counts the new action once but does not move rows', () => {
    const view = { items: [action()], total: 50 }
    const fresh = action()
    const later = { ...f, page: 2 }
    const afterCreated = applyFrame(view, frame(fresh, 'created'), later).view
    const afterDecision = applyFrame(afterCreated, frame(fresh, 'decision_made'), later).view
    expect(afterDecision.items).toBe(view.items)
    expect(afterDecision.total).toBe(51)
  })
})
