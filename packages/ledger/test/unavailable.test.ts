// A store that cannot be written or reached answers STORE_UNAVAILABLE (the server's 503), never a crash.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { unavailableReason } from '../src/errors.js'
import { openPostgresLedger } from '../src/postgres/index.js'
import { sqliteError } from '../src/sqlite/errors.js'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { startPostgres } from '../src/testing/index.js'
import { createdEvents, newAction } from './fixtures.js'

describe('unavailable store', () => {
  it('answers STORE_UNAVAILABLE when the Postgres server goes away, and ping() turns false', async () => {
    const pg = await startPostgres()
    const ledger = await openPostgresLedger(pg.dsn)
    await ledger.createAction(newAction(), createdEvents())
    await pg.stop()
    await expect(ledger.createAction(newAction(), createdEvents())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    await expect(ledger.listActions()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(await ledger.ping()).toBe(false)
    await ledger.close()
  }, 60_000)

  it('answers STORE_UNAVAILABLE when Postgres cannot be reached at open', async () => {
    await expect(openPostgresLedger('postgres://postgres@127.0.0.1:1/postgres')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })

  it('answers STORE_UNAVAILABLE while another process holds the SQLite write lock, keeps reading, then recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-locked-'))
    const path = join(dir, 'l.db')
    const ledger = await openSqliteLedger(path, { busyTimeoutMs: 100 })
    const a = newAction()
    await ledger.createAction(a, createdEvents())
    const other = new Database(path)
    other.exec('BEGIN EXCLUSIVE')
    await expect(ledger.createAction(newAction(), createdEvents())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(await ledger.getAction(a.id)).not.toBeNull()
    other.exec('ROLLBACK')
    other.close()
    await ledger.createAction(newAction(), createdEvents())
    expect(await ledger.verify()).toMatchObject({ ok: true, checked: 4 })
    await ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers STORE_UNAVAILABLE for a path that cannot be opened', async () => {
    await expect(openSqliteLedger('/proc/no/such/dir/x.db')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})

describe('why the store is unavailable (details.reason)', () => {
  it('says read_only when Postgres turns read-only, and writes work again once it is writable', async () => {
    const pg = await startPostgres()
    const ledger = await openPostgresLedger(pg.dsn)
    const a = newAction()
    await ledger.createAction(a, createdEvents())
    const admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
    await admin`ALTER SYSTEM SET default_transaction_read_only = on`
    await admin`SELECT pg_reload_conf()`
    await new Promise((r) => setTimeout(r, 300))
    const err = await ledger.createAction(newAction(), createdEvents()).then(() => null, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { sqlstate: '25006', reason: 'read_only' } })
    expect(unavailableReason(err)).toBe('read_only')
    expect(await ledger.getAction(a.id)).not.toBeNull()
    await admin`SET default_transaction_read_only = off`
    await admin`ALTER SYSTEM RESET default_transaction_read_only`
    await admin`SELECT pg_reload_conf()`
    await admin.end()
    await new Promise((r) => setTimeout(r, 300))
    await ledger.createAction(newAction(), createdEvents())
    await ledger.close()
    await pg.stop()
  }, 60_000)

  it('says unreachable when Postgres cannot be reached', async () => {
    const err = await openPostgresLedger('postgres://postgres@127.0.0.1:1/postgres').then(() => null, (e: unknown) => e)
    expect(unavailableReason(err)).toBe('unreachable')
  })

  it('says read_only for a real SQLITE_READONLY (a write on a read-only connection)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-ro-'))
    const path = join(dir, 'l.db')
    new Database(path).exec('CREATE TABLE t (x)')
    const ro = new Database(path, { readonly: true })
    let raw: unknown = null
    try {
      ro.prepare('INSERT INTO t VALUES (1)').run()
    } catch (e) {
      raw = e
    }
    ro.close()
    rmSync(dir, { recursive: true, force: true })
    expect((raw as { code: string }).code).toMatch(/^SQLITE_READONLY/)
    expect(sqliteError(raw, 'write')).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'read_only' } })
  })

  it('says locked while another process holds the SQLite write lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-locked2-'))
    const path = join(dir, 'l.db')
    const ledger = await openSqliteLedger(path, { busyTimeoutMs: 50 })
    await ledger.createAction(newAction(), createdEvents())
    const other = new Database(path)
    other.exec('BEGIN EXCLUSIVE')
    const err = await ledger.createAction(newAction(), createdEvents()).then(() => null, (e: unknown) => e)
    expect(unavailableReason(err)).toBe('locked')
    other.exec('ROLLBACK')
    other.close()
    await ledger.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('maps a real SQLITE_FULL (the database reached max_page_count) to disk_full', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (x BLOB)')
    db.pragma('max_page_count = 3')
    let raw: unknown = null
    try {
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(4096))
    } catch (e) {
      raw = e
    }
    db.close()
    expect((raw as { code: string }).code).toBe('SQLITE_FULL')
    expect(unavailableReason(sqliteError(raw, 'write'))).toBe('disk_full')
  })
})
