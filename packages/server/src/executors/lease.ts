// Which gateway process owns an execution, and whether that process still lives. Each gateway holds a lease for its
// lifetime (a lock the operating system or Postgres drops when the process dies, kill -9 included) and records its
// lease id as `gateway` in the `started` event of every action its executors run. On start, an execution whose owner
// no longer holds its lease is failed (orphans.ts); one whose owner is alive, maybe another gateway on the same
// store, is left alone.
import { randomUUID } from 'node:crypto'
import type { Logger } from '../logger.js'

export interface InstanceLease {
  /** This process's lease id. */
  readonly id: string
  /** True while the process holding lease `id` is alive. Throws when that cannot be told (the caller then waits). */
  isLive(id: string): Promise<boolean>
  /**
   * How long a live process may appear dead: a Postgres lease whose connection dropped is taken again within this.
   * A running gateway judges another dead only once it has looked dead for longer (held-watch.ts).
   */
  readonly regainMs: number
  /** Give the lease up (graceful shutdown, after the executors finished). */
  close(): Promise<void>
}

/** Lease ids are UUIDs; anything else in a `started` event was not written by a gateway holding a lease. */
export const LEASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * A lease that knows only itself (createApp without a store-backed lease: tests, embedding). Every other id counts as
 * alive, so nothing another process may be running is ever failed on its word.
 */
export function localLease(): InstanceLease {
  const id = randomUUID()
  return {
    id,
    isLive: () => Promise.resolve(true),
    regainMs: 0,
    close: () => Promise.resolve(),
  }
}

export interface LeaseStore {
  dbBackend: 'sqlite' | 'postgres'
  sqlitePath: string
  postgresDsn: string | null
}

/** The lease for the store a gateway writes to: lock files beside the SQLite file, or a Postgres advisory lock. */
export async function openLease(c: LeaseStore, logger: Logger, opts: { heartbeatMs?: number } = {}): Promise<InstanceLease> {
  if (c.dbBackend === 'sqlite') {
    const { openSqliteLease } = await import('./lease-sqlite.js')
    return openSqliteLease(c.sqlitePath)
  }
  const { openPostgresLease } = await import('./lease-postgres.js')
  return openPostgresLease(c.postgresDsn!, logger, opts)
}
