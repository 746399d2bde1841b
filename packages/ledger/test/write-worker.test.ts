// The SQLite write path runs in a worker thread: a commit waiting on the file (fsync, or here another process's
// lock) leaves the event loop free, and reads on the main connection see every write once it is acknowledged.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { createdEvents, newAction } from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'faramesh-worker-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Holds the write lock from this thread and frees it from a timer, which can only fire if the loop is free. */
async function writeWhileLocked(path: string, writeWorker: boolean) {
  const ledger = await openSqliteLedger(path, { busyTimeoutMs: 3000, writeWorker })
  const other = new Database(path)
  other.exec('BEGIN IMMEDIATE')
  const freed = setTimeout(() => {
    other.exec('ROLLBACK')
    other.close()
  }, 300)
  const outcome = await ledger.createAction(newAction(), createdEvents()).then(
    () => 'committed',
    (err: { code?: string }) => err.code,
  )
  clearTimeout(freed)
  if (other.open) other.close()
  await ledger.close()
  return outcome
}

describe('sqlite write worker', () => {
  it('waits for a lock off the main thread (the inline writer blocks the loop and times out)', async () => {
    expect(await writeWhileLocked(join(dir, 'a.db'), true)).toBe('committed')
    expect(await writeWhileLocked(join(dir, 'b.db'), false)).toBe('STORE_UNAVAILABLE')
  }, 20_000)

  it('answers reads on the main thread while writes commit, each write visible once acknowledged', async () => {
    const ledger = await openSqliteLedger(join(dir, 'c.db'), { checkpointEvery: 25 })
    const ids = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const a = newAction()
        const { events } = await ledger.createAction(a, createdEvents())
        expect((await ledger.getAction(a.id))?.id).toBe(a.id)
        expect((await ledger.head())!.seq).toBeGreaterThanOrEqual(events.at(-1)!.seq)
        return a.id
      }),
    )
    expect(new Set(ids).size).toBe(100)
    expect(await ledger.verify()).toMatchObject({ ok: true })
    const cps = await ledger.checkpoints()
    expect(cps.length).toBeGreaterThan(0)
    await ledger.close()
    // Everything acknowledged survives a reopen (the worker's connection committed it, not just this one's cache).
    const again = await openSqliteLedger(join(dir, 'c.db'))
    expect(await again.countActions()).toBe(100)
    expect((await again.checkpoints()).length).toBe(cps.length)
    await again.close()
  }, 30_000)
})
