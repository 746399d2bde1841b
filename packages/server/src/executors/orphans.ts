// Executions left behind by a gateway process that died (kill -9, a crash, a lost host). Run at start: an action
// still `executing` whose `started` event names a gateway executor and a gateway whose lease is gone becomes
// `failed` with GATEWAY_STOPPED. Left alone: actions an agent runs itself (`executor: null`: it reports with
// /result whenever it is done) and executions whose gateway is alive, possibly another process on the same store.
import { LedgerError, type ActionRecord, type ChainEvent, type Ledger } from '@faramesh/ledger'
import type { Logger } from '../logger.js'
import type { InstanceLease } from './lease.js'
import { MAX_TIMEOUT_SEC, timeoutFor } from './timeouts.js'

export const GATEWAY_STOPPED = 'gateway stopped during execution'

/** Margin past an execution's timeout after which a gateway that did not record its lease cannot still be running it. */
const LEGACY_MARGIN_SEC = 60

export interface OrphanDeps {
  ledger: Ledger
  lease: InstanceLease
  logger: Logger
  clock: () => Date
  onFailed?: (action: ActionRecord) => void
}

type Verdict = { fail: false; why?: string } | { fail: true; owner: string | null; executor: string }

async function judge(d: OrphanDeps, rec: ActionRecord, started: ChainEvent | undefined, live: Map<string, boolean>): Promise<Verdict> {
  const executor = started?.meta.executor
  if (!started || typeof executor !== 'string') return { fail: false } // the agent executes it and will report
  const owner = started.meta.gateway
  if (typeof owner !== 'string') {
    // Started by a gateway older than leases: failed once no execution could still be running. Its timeout was
    // context.timeout, else that gateway's FARAMESH_ACTION_TIMEOUT, which may have been larger than ours: the cap.
    const deadline = Date.parse(started.created_at) + (timeoutFor(rec, MAX_TIMEOUT_SEC) + LEGACY_MARGIN_SEC) * 1000
    if (Number.isFinite(deadline) && d.clock().getTime() > deadline) return { fail: true, owner: null, executor }
    return { fail: false, why: 'started by a gateway that did not record its lease; its timeout has not passed' }
  }
  if (owner === d.lease.id) return { fail: false }
  let alive = live.get(owner)
  if (alive === undefined) {
    alive = await d.lease.isLive(owner)
    live.set(owner, alive)
  }
  return alive ? { fail: false } : { fail: true, owner, executor }
}

/** Fail the executions of gateways that are gone; returns how many. Errors on one action do not stop the others. */
export async function failOrphanedExecutions(d: OrphanDeps): Promise<number> {
  const live = new Map<string, boolean>()
  let failed = 0
  let cursor: string | null = null
  do {
    const page = await d.ledger.listActions({ status: 'executing', limit: 500, ...(cursor ? { cursor } : {}) })
    for (const rec of page.items) {
      try {
        const started = (await d.ledger.getEvents(rec.id)).findLast((e) => e.event_type === 'started')
        const v = await judge(d, rec, started, live)
        if (!v.fail) {
          if (v.why) d.logger.warn('left executing', { action_id: rec.id, reason: v.why })
          continue
        }
        const { action } = await d.ledger.transition(rec.id, {
          from: ['executing'],
          to: 'failed',
          patch: { error: GATEWAY_STOPPED },
          event: { event_type: 'failed', meta: { error: GATEWAY_STOPPED, executor: v.executor, gateway: v.owner } },
        })
        failed++
        d.onFailed?.(action)
      } catch (err) {
        // Finished meanwhile (its gateway was alive after all, or another gateway recovered it): nothing to do.
        if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') continue
        d.logger.warn('could not recover execution', { action_id: rec.id, error: err instanceof Error ? err.message : String(err) })
      }
    }
    cursor = page.next_cursor
  } while (cursor)
  return failed
}
