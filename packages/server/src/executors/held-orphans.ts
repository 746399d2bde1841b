// MCP calls nobody will forward any more. The in-process gate records the holding gateway's lease id as `holder` in
// the created event; the MCP client's connection to that process dies with it. A `pending_approval` call whose
// holder's lease is gone becomes `timeout` ("MCP holder gateway stopped"), so a late approval is a 409 rather than an
// approval of a call nobody runs; an `approved` one that was never started becomes `failed`. Calls held by live
// gateways (maybe another process on the same Postgres) are left alone.
// The wrapper's calls (`faramesh mcp wrap`, submitted over HTTP) carry no holder: nothing tells whether the wrapper
// still waits. A live wrapper starts an approved call within about a second (it polls every second), so an approved
// `mcp:` call not started within the start grace (FARAMESH_MCP_START_GRACE) is `failed`: its wrapper is gone.
// Run once at start (runner.releaseOrphanedHolds) and then periodically by every running gateway (held-watch.ts).
import type { ActionStatus } from '@faramesh/policy-core'
import { LedgerError, type ActionRecord } from '@faramesh/ledger'
import type { OrphanDeps } from './orphans.js'

export const HOLDER_STOPPED = 'MCP holder gateway stopped'
export const HOLDER_GONE_NOT_RUN = 'not executed: the MCP call that asked for it is gone (its gateway stopped)'
export const CALLER_GONE_NOT_RUN = 'not executed: the MCP call that asked for it is gone'

/** Only the in-process gate sets a holder, and only on `mcp:` tools: other actions are not even looked at. */
const MCP_TOOL = 'mcp:'

export interface HeldSweepOptions {
  /** FARAMESH_MCP_START_GRACE in ms: an approved `mcp:` call without a holder not started within it is failed. */
  startGraceMs?: number | null
  /** The created event's holder by action id, kept between sweeps by a periodic caller (that event never changes). */
  holders?: Map<string, string | null>
}

async function holderOf(d: OrphanDeps, rec: ActionRecord, cache: Map<string, string | null> | undefined): Promise<string | null> {
  const known = cache?.get(rec.id)
  if (known !== undefined) return known
  const created = (await d.ledger.getEvents(rec.id)).find((e) => e.event_type === 'created')
  const h = created?.meta.holder
  const holder = typeof h === 'string' ? h : null
  cache?.set(rec.id, holder)
  return holder
}

type Release = { to: 'timeout' | 'failed'; error: string; meta: Record<string, unknown> }

/** Time out (pending) or fail (approved, never started) the calls nobody will forward; resolves with how many. */
export async function releaseOrphanedHolds(d: OrphanDeps, o: HeldSweepOptions = {}): Promise<number> {
  const live = new Map<string, boolean>()
  const seen = new Set<string>()
  let released = 0
  for (const status of ['pending_approval', 'approved'] as const satisfies readonly ActionStatus[]) {
    let cursor: string | null = null
    do {
      const page = await d.ledger.listActions({ status, q: MCP_TOOL, limit: 500, ...(cursor ? { cursor } : {}) })
      for (const rec of page.items) {
        if (!rec.tool.startsWith(MCP_TOOL)) continue
        seen.add(rec.id)
        try {
          const holder = await holderOf(d, rec, o.holders)
          let release: Release | null = null
          if (holder === null) {
            // The wrapper's call: only an approval it did not act on within the grace says it is gone.
            const grace = o.startGraceMs
            if (status !== 'approved' || grace == null) continue
            const approvedAt = Date.parse(rec.updated_at)
            if (!Number.isFinite(approvedAt) || d.clock().getTime() - approvedAt < grace) continue
            release = { to: 'failed', error: CALLER_GONE_NOT_RUN, meta: { error: CALLER_GONE_NOT_RUN, start_grace_ms: grace } }
          } else {
            if (holder === d.lease.id) continue
            let alive = live.get(holder)
            if (alive === undefined) {
              alive = await d.lease.isLive(holder)
              live.set(holder, alive)
            }
            if (alive) continue
            release =
              status === 'pending_approval'
                ? { to: 'timeout', error: HOLDER_STOPPED, meta: { holder, reason: HOLDER_STOPPED } }
                : { to: 'failed', error: HOLDER_GONE_NOT_RUN, meta: { error: HOLDER_GONE_NOT_RUN, holder } }
          }
          const { action } = await d.ledger.transition(rec.id, {
            from: [status],
            to: release.to,
            patch: release.to === 'timeout' ? { approval_token_hash: null, error: release.error } : { error: release.error },
            event: { event_type: release.to, meta: release.meta },
          })
          released++
          d.onFailed?.(action)
        } catch (err) {
          // Decided meanwhile (approved, denied, withdrawn, expired, started): nothing to release.
          if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') continue
          d.logger.warn('could not release a held MCP call', { action_id: rec.id, error: err instanceof Error ? err.message : String(err) })
        }
      }
      cursor = page.next_cursor
    } while (cursor)
  }
  // Forget the holders of calls that were decided meanwhile.
  if (o.holders) for (const id of o.holders.keys()) if (!seen.has(id)) o.holders.delete(id)
  return released
}
