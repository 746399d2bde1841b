// MCP calls held by a gateway process that died. The in-process gate records the holding gateway's lease id as
// `holder` in the created event; the MCP client's connection to that process is gone with it, so nobody will forward
// the call any more. Run at start: a `pending_approval` action whose holder's lease is gone becomes `timeout`
// ("MCP holder gateway stopped"), so a late approval is a 409 rather than an approval of a call nobody runs; an
// `approved` one that was never started becomes `failed`. Calls held by live gateways (maybe another process on the
// same Postgres) and actions without a holder (HTTP submits, the wrapper's calls) are left alone.
import type { ActionStatus } from '@faramesh/policy-core'
import { LedgerError, type ActionRecord } from '@faramesh/ledger'
import type { OrphanDeps } from './orphans.js'

export const HOLDER_STOPPED = 'MCP holder gateway stopped'
export const HOLDER_GONE_NOT_RUN = 'not executed: the MCP call that asked for it is gone (its gateway stopped)'

/** Only the in-process gate sets a holder, and only on `mcp:` tools: other actions are not even looked at. */
const MCP_TOOL = 'mcp:'

async function holderOf(d: OrphanDeps, rec: ActionRecord): Promise<string | null> {
  const created = (await d.ledger.getEvents(rec.id)).find((e) => e.event_type === 'created')
  const h = created?.meta.holder
  return typeof h === 'string' ? h : null
}

/** Time out (pending) or fail (approved, never started) the calls of dead holders; resolves with how many. */
export async function releaseOrphanedHolds(d: OrphanDeps): Promise<number> {
  const live = new Map<string, boolean>()
  let released = 0
  for (const status of ['pending_approval', 'approved'] as const satisfies readonly ActionStatus[]) {
    let cursor: string | null = null
    do {
      const page = await d.ledger.listActions({ status, limit: 500, ...(cursor ? { cursor } : {}) })
      for (const rec of page.items) {
        if (!rec.tool.startsWith(MCP_TOOL)) continue
        try {
          const holder = await holderOf(d, rec)
          if (holder === null || holder === d.lease.id) continue
          let alive = live.get(holder)
          if (alive === undefined) {
            alive = await d.lease.isLive(holder)
            live.set(holder, alive)
          }
          if (alive) continue
          const { action } =
            status === 'pending_approval'
              ? await d.ledger.transition(rec.id, {
                  from: ['pending_approval'],
                  to: 'timeout',
                  patch: { approval_token_hash: null, error: HOLDER_STOPPED },
                  event: { event_type: 'timeout', meta: { holder, reason: HOLDER_STOPPED } },
                })
              : await d.ledger.transition(rec.id, {
                  from: ['approved'],
                  to: 'failed',
                  patch: { error: HOLDER_GONE_NOT_RUN },
                  event: { event_type: 'failed', meta: { error: HOLDER_GONE_NOT_RUN, holder } },
                })
          released++
          d.onFailed?.(action)
        } catch (err) {
          // Decided meanwhile (approved, denied, withdrawn, expired): nothing to release.
          if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') continue
          d.logger.warn('could not release a held MCP call', { action_id: rec.id, error: err instanceof Error ? err.message : String(err) })
        }
      }
      cursor = page.next_cursor
    } while (cursor)
  }
  return released
}
