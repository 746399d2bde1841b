// A 503 says why the store is unavailable: read-only, disk full, locked or unreachable, and whether reads still work.
import { LedgerError } from '@faramesh/ledger'
import { openPostgresLedger } from '@faramesh/ledger/postgres'
import { startPostgres } from '@faramesh/ledger/testing'
import { parsePolicy } from '@faramesh/policy-core'
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { createAuthenticator } from '../src/auth.js'
import { silentLogger } from '../src/logger.js'
import { createMetrics } from '../src/metrics.js'
import { errorPayload } from '../src/on-error.js'
import { staticPolicySource } from '../src/policy-source.js'

const submit = { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }), headers: { 'content-type': 'application/json' } }

describe('503 detail per cause', () => {
  it('a read-only Postgres answers "read-only; reads still work" and reads do work; a stopped one "cannot be reached"', async () => {
    const pg = await startPostgres()
    const ledger = await openPostgresLedger(pg.dsn)
    const app = createApp({
      ledger,
      policy: staticPolicySource(parsePolicy('rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n', { source: 't.yaml' })),
      auth: createAuthenticator({}),
      logger: silentLogger,
    })
    try {
      expect((await app.request('/v1/actions', submit)).status).toBe(200)
      const admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
      await admin`ALTER SYSTEM SET default_transaction_read_only = on`
      await admin`SELECT pg_reload_conf()`
      await admin.end()
      await new Promise((r) => setTimeout(r, 300))
      const w = await app.request('/v1/actions', submit)
      expect(w.status).toBe(503)
      expect(await w.json()).toEqual({ detail: 'Store unavailable: the database is read-only; reads still work' })
      const list = await app.request('/v1/actions')
      expect(list.status).toBe(200)
      await pg.stop()
      const down = await app.request('/v1/actions', submit)
      expect(down.status).toBe(503)
      expect(await down.json()).toEqual({ detail: 'Store unavailable: the database cannot be reached, retry shortly' })
    } finally {
      await app.close()
      await ledger.close().catch(() => undefined)
      await pg.stop().catch(() => undefined)
    }
  }, 60_000)

  it('maps each reason to its own detail, and a reason-less STORE_UNAVAILABLE to the generic one', () => {
    const detail = (reason?: string) =>
      errorPayload(new LedgerError('STORE_UNAVAILABLE', 'x', reason ? { reason } : undefined), silentLogger, createMetrics(), '/').body.detail
    expect(detail('disk_full')).toBe('Store unavailable: the disk is full; reads still work')
    expect(detail('locked')).toBe('Store unavailable: the database is locked by another writer, retry shortly')
    expect(detail('io_error')).toMatch(/I\/O error/)
    expect(detail()).toBe('Store unavailable: the database cannot be reached, retry shortly')
    expect(detail('bogus')).toBe('Store unavailable: the database cannot be reached, retry shortly')
  })
})
