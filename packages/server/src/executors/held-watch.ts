// The held-call sweep of a running gateway: every interval it releases the MCP calls nobody will forward any more
// (held-orphans.ts), so a gateway that dies while others keep running on the same Postgres has its held calls
// reported by them, not left pending until their TTL, or `approved` forever when a person approves one meanwhile.
// Whether a holder is dead is the executors' rule (lease.ts: its lease is gone), confirmed over time: a live
// gateway whose Postgres lease connection dropped (a restart, a proxy cutting it) holds no lock until it takes it
// again, within lease.regainMs, so a holder counts as dead only once it was seen without its lease on every sweep
// for longer than that. (The start-up sweep, like the executors' recovery, judges at once: see the server README.)
import type { InstanceLease } from './lease.js'
import { releaseOrphanedHolds } from './held-orphans.js'
import type { OrphanDeps } from './orphans.js'

export interface HeldWatchOptions {
  intervalMs: number
  /** FARAMESH_MCP_START_GRACE in ms (null: wrapper-held calls are left to their approval TTL). */
  startGraceMs: number | null
}

export interface HeldWatch {
  /** Stop the timer and wait for a sweep in progress. */
  stop(): Promise<void>
}

/**
 * A view of `lease` that answers "dead" only for a holder seen without its lease, sweep after sweep, for at least
 * `regainMs`. `round()` closes a sweep: holders not asked about in it are forgotten, so a later absence starts over.
 */
export function confirmingLease(lease: InstanceLease, clock: () => Date): InstanceLease & { round(): void } {
  const deadSince = new Map<string, number>()
  const asked = new Set<string>()
  return {
    id: lease.id,
    regainMs: lease.regainMs,
    async isLive(id) {
      asked.add(id)
      if (await lease.isLive(id)) {
        deadSince.delete(id)
        return true
      }
      const now = clock().getTime()
      const since = deadSince.get(id) ?? now
      deadSince.set(id, since)
      return now - since < lease.regainMs
    },
    round() {
      for (const id of deadSince.keys()) if (!asked.has(id)) deadSince.delete(id)
      asked.clear()
    },
    close: () => lease.close(),
  }
}

export function watchHeldCalls(d: OrphanDeps, o: HeldWatchOptions): HeldWatch {
  const lease = confirmingLease(d.lease, d.clock)
  const holders = new Map<string, string | null>()
  let running: Promise<void> | null = null
  let stopped = false
  const sweep = async (): Promise<void> => {
    try {
      const n = await releaseOrphanedHolds({ ...d, lease }, { startGraceMs: o.startGraceMs, holders })
      if (n > 0) d.logger.warn('released MCP calls nobody will forward (holder gateway or wrapper gone)', { count: n })
    } catch (err) {
      // The store is unavailable: nothing is judged, the next sweep tries again.
      d.logger.warn('held MCP call sweep failed', { error: err instanceof Error ? err.message : String(err) })
      return
    }
    lease.round()
  }
  const timer = setInterval(() => {
    if (running || stopped) return
    running = sweep().finally(() => (running = null))
  }, o.intervalMs)
  timer.unref()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
