// The Postgres gateway lease: a session-level advisory lock, held on a connection of its own for the gateway's
// lifetime. Postgres drops it when the session ends, and so when the process dies. Whether another gateway lives is
// read from pg_locks (no lock is taken to ask). Needs a direct connection: a pooler in transaction mode (PgBouncer)
// cannot hold session locks.
import { createHash, randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import { LEASE_ID, type InstanceLease } from './lease.js'

/** Advisory locks (int4, int4) in this class are gateway leases; the ledger's own locks use the bigint form. */
export const LEASE_CLASS = 0x6661_7267 // "farg"

/** The lock's second key: 31 bits of the lease id's SHA-256. */
export function leaseKey(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) & 0x7fff_ffff
}

const HEARTBEAT_MS = 10_000
const CONNECT_TIMEOUT_SEC = 10

export async function openPostgresLease(dsn: string, logger: Logger, opts: { heartbeatMs?: number } = {}): Promise<InstanceLease> {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
  const where = dsn.replace(/:[^:@/]*@/, ':***@')
  let lost = false
  // One connection that never retires (max_lifetime would end the session and with it the lock).
  const sql = postgres(dsn, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: CONNECT_TIMEOUT_SEC,
    onnotice: () => undefined,
    onclose: () => {
      lost = true
    },
    connection: { application_name: 'faramesh-gateway-lease' },
  })
  const take = async (id: string): Promise<boolean> => {
    const [row] = await sql<Array<{ ok: boolean }>>`select pg_try_advisory_lock(${LEASE_CLASS}::int4, ${leaseKey(id)}::int4) as ok`
    return row!.ok
  }
  let id = ''
  try {
    // Another live gateway holding the same 31-bit key: pick another id (a dead one with it only delays its cleanup).
    for (let attempt = 0; attempt < 5 && id === ''; attempt++) {
      const candidate = randomUUID()
      if (await take(candidate)) id = candidate
    }
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => undefined)
    throw new ApiError('STORE_UNAVAILABLE', `cannot take the gateway lease in ${where}: ${(err as Error).message}`)
  }
  if (id === '') {
    await sql.end({ timeout: 1 })
    throw new ApiError('STORE_UNAVAILABLE', `cannot take the gateway lease in ${where}: every key tried was held`)
  }
  lost = false

  // The connection may drop (a Postgres restart): the lock went with it, so take it again once it is back.
  const heartbeat = setInterval(() => {
    if (!lost) return
    void take(id).then(
      (ok) => {
        lost = !ok
        if (ok) logger.warn('gateway lease taken again after its connection dropped', { lease: id })
        else logger.error('gateway lease is held by another session', { lease: id })
      },
      () => undefined,
    )
  }, heartbeatMs)
  heartbeat.unref()

  return {
    id,
    // After a drop, a heartbeat takes the lock again once Postgres answers: its first try may fail (Postgres still
    // down), the next one comes a heartbeat later and may wait up to connect_timeout for its connection.
    regainMs: 2 * heartbeatMs + CONNECT_TIMEOUT_SEC * 1000,
    async isLive(other) {
      if (other === id) return true
      if (!LEASE_ID.test(other)) return false
      const [row] = await sql<Array<{ live: boolean }>>`
        select exists (
          select 1 from pg_locks
          where locktype = 'advisory' and granted and objsubid = 2
            and classid::int8 = ${LEASE_CLASS} and objid::int8 = ${leaseKey(other)}
            and database = (select oid from pg_database where datname = current_database())
        ) as live`
      return row!.live
    },
    async close() {
      clearInterval(heartbeat)
      await sql.end({ timeout: 5 })
    },
  }
}
