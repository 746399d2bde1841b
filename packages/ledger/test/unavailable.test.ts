// A store that cannot be written or reached answers STORE_UNAVAILABLE (the server's 503), never a crash.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openPostgresLedger } from '../src/postgres/index.js'
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
