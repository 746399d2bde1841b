// The SQLite write path on one connection: every batch in one BEGIN IMMEDIATE transaction (which also serialises
// writers across processes sharing the file). The common batch goes in a few multi-row INSERTs without savepoints
// (applyFast); when any statement of it fails, the batch is rolled back and redone op by op, each op in a savepoint so
// a failing one rolls back alone and its batch-mates still commit (applyEach). It runs in the write worker
// (write-worker.ts) or, for ':memory:', inline. Inputs and outputs are plain data so they cross postMessage unchanged.
import type Database from 'better-sqlite3'
import type { Checkpoint } from '@faramesh/policy-core'
import { ACTION_COLUMN_NAMES, decodeAction, type RowValues } from '../action-codec.js'
import { isLedgerError, type LedgerErrorCode } from '../errors.js'
import { chainEvents, type StoredEvent, type UnchainedEvent } from '../hash-chain.js'
import type { ActionRecord } from '../types.js'
import { transitionRefused, type WriteOp } from '../write-ops.js'
import { sqliteError } from './errors.js'
import { WRITER_AUTOCHECKPOINT_PAGES, WRITER_CACHE_KIB } from './write-protocol.js'

type TransitionOp = Extract<WriteOp, { kind: 'transition' }>
/** A WriteOp without what only the caller's side needs (the create's decoded record). */
export type SqliteOp = { kind: 'create'; row: RowValues; events: UnchainedEvent[] } | TransitionOp | Extract<WriteOp, { kind: 'append' }>

export interface WireError {
  code: LedgerErrorCode
  message: string
  details: Record<string, unknown> | undefined
}

/** One op's result: the action after a transition, and the op's events' chain (seqs `seq`, `seq + 1`, …). */
export type WireOutcome =
  | { ok: true; action: ActionRecord | null; seq: number; prevHash: string; hashes: string[] }
  | { ok: false; error: WireError }

export function toSqliteOp(op: WriteOp): SqliteOp {
  return op.kind === 'create' ? { kind: 'create', row: op.row, events: op.events } : op
}

export function wireError(err: unknown, what: string): WireError {
  const e = isLedgerError(err) ? err : sqliteError(err, what)
  return { code: e.code, message: e.message, details: e.details }
}

/** 32 action rows are 1,024 parameters, well inside SQLite's limit of 32,766 per statement. */
const MAX_ROWS_PER_INSERT = 32

export interface BatchWriter {
  applyBatch(ops: SqliteOp[]): WireOutcome[]
  insertCheckpoint(cp: Checkpoint): void
  registerPublicKey(keyId: string, pem: string, createdAt: string): void
}

/** Settings of the write worker's connection (its busy timeout aside). */
export function configureWriteConnection(db: Database.Database): void {
  // FULL: a commit is on disk (WAL fsynced) before any caller is told it happened. WAL mode is a property of the
  // file, already set by the opener.
  db.pragma('synchronous = FULL')
  // Checkpoints are checkpoint-worker.ts's job; this connection only catches up if that worker fell far behind.
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  // Statement journals (the undo of one statement or savepoint) in memory: SQLite otherwise spills them to a file in
  // the temporary directory, which cost every batch an open, a close and about twenty writes.
  db.pragma('temp_store = MEMORY')
  // A small page cache: SQLite walks the whole cache's hash table at every commit (pcache1Truncate, from
  // pager_end_transaction), so better-sqlite3's default of 16 MiB made a commit cost more the more the connection
  // had read. 2 MiB holds the B-trees' upper levels and the pages being appended to; the OS cache serves the rest.
  db.pragma(`cache_size = -${WRITER_CACHE_KIB}`)
}

export function createBatchWriter(db: Database.Database): BatchWriter {
  const cache = new Map<string, Database.Statement>()
  const stmt = (sql: string) => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  // Positional parameters in ACTION_COLUMN_NAMES order: no per-row name lookups in the driver.
  const insertAction = stmt(`INSERT INTO actions (${ACTION_COLUMN_NAMES.join(', ')}) VALUES (${ACTION_COLUMN_NAMES.map(() => '?').join(', ')})`)
  const insertEvent = stmt(
    'INSERT INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, action_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const headStmt = stmt('SELECT seq, hash FROM action_events ORDER BY seq DESC LIMIT 1')
  const getStmt = stmt('SELECT * FROM actions WHERE id = ?')
  const posStmt = stmt('SELECT pos FROM actions WHERE id = ?').pluck()
  // Transaction control prepared once too: exec() would parse the text again for every op.
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  const savepoint = db.prepare('SAVEPOINT op')
  const release = db.prepare('RELEASE op')
  const rollbackTo = db.prepare('ROLLBACK TO op')

  function transitionSql(op: TransitionOp): string {
    return `UPDATE actions SET status = ?${op.set.map(([c]) => `, ${c} = ?`).join('')} WHERE id = ? AND status IN (${op.from.map(() => '?').join(', ')})${op.expectRequestHash === undefined ? '' : ' AND request_hash = ?'} RETURNING *`
  }

  /** Writes one op's row changes; returns its action's pos, and the action after a transition. Throws when refused. */
  function applyRow(op: SqliteOp): { pos: number; action: ActionRecord | null } {
    if (op.kind === 'create') {
      return { pos: Number(insertAction.run(op.row).lastInsertRowid), action: null }
    }
    if (op.kind === 'transition') {
      const args: unknown[] = [op.to, ...op.set.map(([, v]) => v), op.id, ...op.from]
      if (op.expectRequestHash !== undefined) args.push(op.expectRequestHash)
      const row = stmt(transitionSql(op)).get(args) as Record<string, unknown> | undefined
      if (row) return { pos: row.pos as number, action: decodeAction(row, false) }
      const current = getStmt.get(op.id) as Record<string, unknown> | undefined
      throw transitionRefused(op.id, current ? decodeAction(current, false) : null, op)
    }
    const pos = posStmt.get(op.actionId) as number | undefined
    if (pos === undefined) {
      throw transitionRefused(op.actionId, null, { kind: 'transition', id: op.actionId, from: [], to: 'failed', set: [], expectRequestHash: undefined, events: [] })
    }
    return { pos, action: null }
  }

  /**
   * A multi-row INSERT of `width` columns: the rows go in statements of 2^k rows (at most MAX_ROWS_PER_INSERT), each
   * size prepared on first use, instead of one statement a row.
   */
  function multiRowInsert(head: string, width: number): (values: Array<string | number | null>) => void {
    const byRows = new Map<number, Database.Statement>()
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`
    return (values) => {
      let rows = values.length / width
      let at = 0
      while (rows > 0) {
        const n = Math.min(MAX_ROWS_PER_INSERT, 2 ** Math.floor(Math.log2(rows)))
        let s = byRows.get(n)
        if (!s) byRows.set(n, (s = db.prepare(`${head} VALUES ${Array.from({ length: n }, () => row).join(', ')}`)))
        s.run(n * width === values.length ? values : values.slice(at, at + n * width))
        at += n * width
        rows -= n
      }
    }
  }
  const insertActions = multiRowInsert(`INSERT OR ROLLBACK INTO actions (pos, ${ACTION_COLUMN_NAMES.join(', ')})`, ACTION_COLUMN_NAMES.length + 1)
  const insertEvents = multiRowInsert(
    'INSERT OR ROLLBACK INTO action_events (seq, id, action_id, event_type, meta, created_at, prev_hash, hash, action_pos)',
    9,
  )
  const maxPosStmt = stmt('SELECT max(pos) FROM actions').pluck()

  type Head = { seq: number; hash: string } | null
  /** An op's outcome: its events chained after `head`. */
  const chained = (action: ActionRecord | null, head: Head, events: StoredEvent[]): WireOutcome => ({
    ok: true,
    action,
    seq: (head?.seq ?? 0) + 1,
    prevHash: head?.hash ?? '',
    hashes: events.map((e) => e.hash),
  })
  const after = (head: Head, events: StoredEvent[]): Head => events.at(-1) ?? head

  /**
   * The common case, with no savepoints: rows of consecutive creates go in multi-row INSERTs with positions taken
   * from the table's end (BEGIN IMMEDIATE holds the write lock, so no other writer can take them), every event in
   * one more. A transition or append the store refuses changes nothing, so it is answered without a rollback. Any
   * statement that fails (a duplicate id or key, a bad value, the disk) throws, and applyBatch redoes the batch op
   * by op in savepoints (applyEach), which answers each op on its own.
   */
  function applyFast(ops: SqliteOp[], head: Head): WireOutcome[] {
    let pos = (maxPosStmt.get() as number | null) ?? 0
    const actionValues: Array<string | number | null> = []
    const eventValues: Array<string | number | null> = []
    const flushActions = () => {
      if (actionValues.length === 0) return
      insertActions(actionValues)
      actionValues.length = 0
    }
    const outcomes: WireOutcome[] = []
    for (const op of ops) {
      let at: number
      let action: ActionRecord | null = null
      if (op.kind === 'create') {
        at = ++pos
        actionValues.push(at, ...op.row)
      } else {
        // The ops before this one must be in the table for it to see them.
        flushActions()
        try {
          ;({ pos: at, action } = applyRow(op))
        } catch (err) {
          if (!isLedgerError(err)) throw err
          outcomes.push({ ok: false, error: wireError(err, 'write refused') })
          continue
        }
      }
      const events = chainEvents(head, op.events)
      for (const e of events) eventValues.push(e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at, e.prev_hash, e.hash, at)
      outcomes.push(chained(action, head, events))
      head = after(head, events)
    }
    flushActions()
    if (eventValues.length > 0) insertEvents(eventValues)
    return outcomes
  }

  /** Op by op, each in a savepoint: a refused or failing op rolls back alone and its batch-mates still commit. */
  function applyEach(ops: SqliteOp[], head: Head): WireOutcome[] {
    const outcomes: WireOutcome[] = []
    for (const op of ops) {
      savepoint.run()
      try {
        const { pos, action } = applyRow(op)
        const events = chainEvents(head, op.events)
        for (const e of events) insertEvent.run(e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at, e.prev_hash, e.hash, pos)
        release.run()
        outcomes.push(chained(action, head, events))
        head = after(head, events)
      } catch (err) {
        rollbackTo.run()
        release.run()
        outcomes.push({ ok: false, error: wireError(err, 'write refused') })
      }
    }
    return outcomes
  }

  function inTransaction(ops: SqliteOp[], apply: (ops: SqliteOp[], head: Head) => WireOutcome[]): WireOutcome[] {
    try {
      begin.run()
    } catch (err) {
      const error = wireError(err, 'cannot start a write transaction')
      return ops.map(() => ({ ok: false, error }))
    }
    let outcomes: WireOutcome[]
    try {
      outcomes = apply(ops, (headStmt.get() as Head | undefined) ?? null)
    } catch (err) {
      rollbackQuietly()
      if (apply === applyFast) return inTransaction(ops, applyEach)
      const error = wireError(err, 'write failed')
      return ops.map(() => ({ ok: false, error }))
    }
    try {
      commit.run()
      return outcomes
    } catch (err) {
      rollbackQuietly()
      const error = wireError(err, 'commit failed')
      return ops.map(() => ({ ok: false, error }))
    }
  }

  function rollbackQuietly(): void {
    if (!db.inTransaction) return
    try {
      rollback.run()
    } catch {
      // The connection is gone; the caller's error says so.
    }
  }

  const applyBatch = (ops: SqliteOp[]): WireOutcome[] => inTransaction(ops, applyFast)

  return {
    applyBatch,
    insertCheckpoint(cp) {
      stmt('INSERT OR IGNORE INTO ledger_checkpoints (seq, hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?)').run(
        cp.seq, cp.hash, cp.created_at, cp.key_id, cp.signature,
      )
    },
    registerPublicKey(keyId, pem, createdAt) {
      stmt('INSERT OR IGNORE INTO ledger_keys (key_id, public_key_pem, created_at) VALUES (?, ?, ?)').run(keyId, pem, createdAt)
    },
  }
}
