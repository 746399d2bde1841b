// How a live frame changes the visible page: update a row in place, or put a new action on top of page one when
// it matches the filters. Pure, so the rules are unit-tested; the component just assigns the result.
import type { Action, StreamFrame } from '@faramesh/policy-core'
import { matchesFilters, type Filters } from './filters.js'

export interface ListView {
  items: Action[]
  total: number
}

export interface LiveChange {
  view: ListView
  /** 'inserted' | 'updated' rows are briefly highlighted; 'none' means the frame is not about this page. */
  change: 'inserted' | 'updated' | 'none'
}

export function applyFrame(view: ListView, frame: StreamFrame, filters: Filters): LiveChange {
  const action = frame.data
  const i = view.items.findIndex((a) => a.id === action.id)
  if (i >= 0) {
    const current = view.items[i]!
    // Frames can overtake each other across a reconnect: never replace a row with an older version of itself.
    if (Date.parse(action.updated_at) < Date.parse(current.updated_at)) return { view, change: 'none' }
    const items = view.items.slice()
    items[i] = { ...action, approval_token: null }
    return { view: { items, total: view.total }, change: 'updated' }
  }
  if (!matchesFilters(action, filters)) return { view, change: 'none' }
  const isNew = frame.event_type === 'created' || frame.event_type === 'decision_made' || frame.type === 'action.created'
  if (!isNew) return { view, change: 'none' }
  // Only page one shows the newest actions; on later pages the count grows but the rows stay put.
  // Every new action gets exactly one decision_made, in the state the filters judge, so count on that one.
  if (filters.page !== 1) {
    const total = frame.event_type === 'decision_made' ? view.total + 1 : view.total
    return { view: { items: view.items, total }, change: 'none' }
  }
  const items = [{ ...action, approval_token: null }, ...view.items].slice(0, filters.size)
  return { view: { items, total: view.total + 1 }, change: 'inserted' }
}
