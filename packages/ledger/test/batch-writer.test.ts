// The write worker's transaction code, driven directly on a real SQLite file: the multi-row fast path, its fallback
// to op-by-op savepoints when a statement fails, and the settings of the write connection.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { configureWriteConnection, createBatchWriter, toSqliteOp } from '../src/sqlite/batch-writer.js'
import type { SqliteOp, WireOutcome } from '../src/sqlite/write-protocol.js'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { WRITER_CACHE_KIB } from '../src/sqlite/write-protocol.js'
import { appendOp, createOp, transitionOp } from '../src/write-ops.js'
import { createdEvents, newAction } from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'faramesh-batch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
/** A migrated ledger file and a second connection on it, set up as the write worker sets up its own. */
async function writerOnFile() {
  const path = join(dir, `w${++n}.db`)
  await (await openSqliteLedger(path, { writeWorker: false })).close()
  const db = new Database(path)
  configureWriteConnection(db)
  return { path, db, writer: createBatchWriter(db) }
}

const now = () => new Date().toISOString()
const create = (a = newAction()) => toSqliteOp(createOp(a, createdEvents(), now()))

function chainOf(db: Database.Database) {
  return db.prepare('SELECT seq, action_id, action_pos, prev_hash, hash FROM action_events ORDER BY seq').all() as Array<{
    seq: number
    action_id: string
    action_pos: number
    prev_hash: string
    hash: string
  }>
}

function expectChained(outcomes: WireOutcome[], db: Database.Database) {
  const rows = chainOf(db)
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1))
  rows.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? '' : rows[i - 1]!.hash))
  // Every event points at its own action's row.
  const posOf = new Map((db.prepare('SELECT id, pos FROM actions').all() as Array<{ id: string; pos: number }>).map((a) => [a.id, a.pos]))
  for (const r of rows) expect(r.action_pos).toBe(posOf.get(r.action_id))
  // Each ok outcome names the seqs and hashes that were stored for it.
  const bySeq = new Map(rows.map((r) => [r.seq, r]))
  for (const o of outcomes) {
    if (!o.ok) continue
    o.hashes.forEach((h, i) => expect(bySeq.get(o.seq + i)?.hash).toBe(h))
    expect(bySeq.get(o.seq)?.prev_hash).toBe(o.prevHash)
  }
}

describe('sqlite batch writer', () => {
  it('sets the write connection up: fsync at commit, statement journals in memory, a small page cache', async () => {
    const { db } = await writerOnFile()
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('temp_store', { simple: true })).toBe(2) // MEMORY
    expect(db.pragma('cache_size', { simple: true })).toBe(-WRITER_CACHE_KIB)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('stores 70 creates of one batch in multi-row inserts with consecutive positions and one unbroken chain', async () => {
    const { db, writer } = await writerOnFile()
    const first = writer.applyBatch([create()])
    expect(first[0]).toMatchObject({ ok: true, seq: 1, prevHash: '' })
    // 70 rows: chunks of 32, 32, 4 and 2, and 140 events in chunks as well.
    const ops = Array.from({ length: 70 }, () => create())
    const outcomes = writer.applyBatch(ops)
    expect(outcomes.every((o) => o.ok)).toBe(true)
    expect(outcomes.map((o) => (o.ok ? o.seq : 0))).toEqual(ops.map((_, i) => 3 + 2 * i))
    const positions = db.prepare('SELECT pos FROM actions ORDER BY pos').pluck().all()
    expect(positions).toEqual(Array.from({ length: 71 }, (_, i) => i + 1))
    expectChained([...first, ...outcomes], db)
    db.close()
  })

  it('answers refused transitions and appends in place and lets later ops see earlier creates of the batch', async () => {
    const { db, writer } = await writerOnFile()
    const a = newAction()
    const ops: SqliteOp[] = [
      create(a),
      toSqliteOp(transitionOp(a.id, { from: ['pending_approval'], to: 'approved', event: { event_type: 'approved', meta: { by: 'r' } } }, now())),
      // a second approval of the same action: refused, nothing else rolled back
      toSqliteOp(transitionOp(a.id, { from: ['pending_approval'], to: 'denied', event: { event_type: 'denied', meta: {} } }, now())),
      toSqliteOp(appendOp('missing', { event_type: 'failed', meta: {} }, now())),
      toSqliteOp(appendOp(a.id, { event_type: 'started', meta: {} }, now())),
      create(),
    ]
    const outcomes = writer.applyBatch(ops)
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, false, true, true])
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } })
    expect(outcomes[3]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(outcomes[1]).toMatchObject({ ok: true, action: { id: a.id, status: 'approved' } })
    expect(chainOf(db).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expectChained(outcomes, db)
    db.close()
  })

  it('redoes a batch op by op when one create fails, so only that one is refused', async () => {
    const { db, writer } = await writerOnFile()
    const dup = newAction()
    writer.applyBatch([create(dup)])
    const ops = [create(), create(dup), create(), create()]
    const outcomes = writer.applyBatch(ops)
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true])
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(db.prepare('SELECT count(*) FROM actions').pluck().get()).toBe(4)
    // The failed fast attempt left nothing behind: positions and seqs have no gaps.
    expect(db.prepare('SELECT pos FROM actions ORDER BY pos').pluck().all()).toEqual([1, 2, 3, 4])
    expectChained(outcomes, db)
    expect(db.inTransaction).toBe(false)
    db.close()
  })

  it('refuses every op of a batch it cannot start, and keeps what was stored', async () => {
    const { path, db, writer } = await writerOnFile()
    writer.applyBatch([create()])
    db.pragma('busy_timeout = 0')
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    const outcomes = writer.applyBatch([create(), create()])
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'])
    other.exec('ROLLBACK')
    other.close()
    expect(db.prepare('SELECT count(*) FROM actions').pluck().get()).toBe(1)
    expect(writer.applyBatch([create()])[0]).toMatchObject({ ok: true, seq: 3 })
    db.close()
  })
})
