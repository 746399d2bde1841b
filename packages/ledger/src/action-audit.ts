// The second half of verify(): every row of the actions table against its chained events (action-fold.ts), in
// batches read from one snapshot each, plus the events no row accounts for. Runs after the chain walk up to `head`;
// an action with events past it was written during verify and is left for the next one.
import { checkRow, foldAction, type FoldEvent } from './action-fold.js'
import type { StoredEvent } from './hash-chain.js'
import type { LedgerStore } from './store.js'
import type { ActionsReport } from './types.js'
import type { VerifyFailure } from './verifier.js'

const BATCH = 1000

const foldEvent = (e: StoredEvent): FoldEvent => ({
  seq: e.seq,
  event_type: e.event_type,
  created_at: e.created_at,
  meta: JSON.parse(e.meta) as Record<string, unknown>,
})

/** `checked` is the number of events the chain walk verified (seqs 1..head). */
export async function auditActions(store: LedgerStore, head: number, checked: number): Promise<ActionsReport | VerifyFailure> {
  const fail = (seq: number, reason: VerifyFailure['reason'], message: string, extra: Partial<VerifyFailure>): VerifyFailure => ({
    ok: false,
    checked,
    seq,
    reason,
    message,
    ...extra,
  })
  const report: ActionsReport = { checked: 0, uncovered: {}, skipped: 0 }
  let linked = 0
  let first: VerifyFailure | null = null
  for (let after = 0; ; ) {
    const batch = await store.auditActions(after, BATCH)
    for (const { action, events: filed } of batch) {
      // An event filed under this row's pos but naming another action is not this action's (SQLite's action_pos is
      // not hashed): it is left out here and found by the count below.
      const events = filed.every((e) => e.action_id === action.id) ? filed : filed.filter((e) => e.action_id === action.id)
      let later = false
      for (const e of events) {
        if (e.seq <= head) linked += 1
        else later = true
      }
      if (later) {
        report.skipped += 1
        continue
      }
      if (events.length === 0) {
        first ??= fail(0, 'action_unchained', `action ${action.id} has no event in the chain: its row was not written by the ledger`, {
          action_id: action.id,
        })
        continue
      }
      const { mismatch, uncovered } = checkRow(foldAction(events.map(foldEvent)), action)
      if (mismatch) {
        first ??= fail(
          mismatch.seq,
          'action_mismatch',
          `action ${action.id}: ${mismatch.field} is ${mismatch.actual} in the actions table, but its events (seq ${mismatch.seq}) say ${mismatch.expected}`,
          { action_id: action.id, field: mismatch.field },
        )
        continue
      }
      report.checked += 1
      for (const c of uncovered) report.uncovered[c] = (report.uncovered[c] ?? 0) + 1
    }
    if (batch.length < BATCH) break
    after = batch.at(-1)!.pos
  }
  // Every walked event must belong to a row: a deleted row, or an event moved to another row's timeline, shows here.
  // It is reported before a field mismatch, which is often its consequence.
  if (linked < checked) {
    const u = await store.unlinkedEvent(head)
    if (u) {
      return u.row_exists
        ? fail(u.seq, 'action_mismatch', `event seq ${u.seq} of action ${u.action_id} is filed under another action (action_events.action_pos was changed)`, {
            action_id: u.action_id,
            field: 'action_pos',
          })
        : fail(u.seq, 'action_missing', `events of action ${u.action_id} (seq ${u.seq}) have no row in the actions table: the action was deleted`, {
            action_id: u.action_id,
          })
    }
  }
  return first ?? report
}
