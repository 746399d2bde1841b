// The SQLite write path on one connection: every batch in one BEGIN IMMEDIATE transaction (which also serialises
// writers across processes sharing the file). The common batch goes in a few multi-row INSERTs without savepoints
// (applyFast); when any statement of it fails, the batch is rolled back and redone op by op, each op in a savepoint so
// a failing one rolls back alone and its batch-mates still commit (applyEach). It runs in the write worker
// (write-worker.ts) or, for ':memory:', inline. Inputs and outputs are plain data so they cross postMessage unchanged.
import type Database from 'better-sqlite3'
import type { Checkpoint } from '@faramesh/policy-core'
import { ACTION_COLUMN_NAMES, decodeAction } from '../action-codec.js'
import { isLedgerError } from '../errors.js'
import { eventHashOf, type UnchainedEvent } from '../hash-chain.js'
import type { ActionRecord } from '../types.js'
import { transitionRefused, type WriteOp } from '../write-ops.js'
import { sqliteError } from './errors.js'
import {
  WRITER_AUTOCHECKPOINT_PAGES,
  WRITER_CACHE_KIB,
  type CreateWire,
  type FlatEvents,
  type SqliteOp,
  type TransitionOp,
  type WireError,
  type WireOutcome,
} from './write-protocol.js'

/** An event's width in FlatEvents (write-protocol.ts): id, event_type, meta, created_at. */
const EVENT_WIDTH = 4
/** Columns an event row is inserted with (seq, its rowid, is SQLite's to assign). */
const EVENT_COLUMNS = 8
const ROW_WIDTH = ACTION_COLUMN_NAMES.length

const isCreate = (op: SqliteOp): op is CreateWire => Array.isArray(op)

function flatEvents(events: readonly UnchainedEvent[], into: Array<string | number | null> = []): Array<string | number | null> {
  for (const e of events) into.push(e.id, e.event_type, e.meta, e.created_at)
  return into
}

export function toSqliteOp(op: WriteOp): SqliteOp {
  if (op.kind === 'create') return flatEvents(op.events, op.row.slice())
  return { ...op, events: flatEvents(op.events) as FlatEvents }
}

export function wireError(err: unknown, what: string): WireError {
  const e = isLedgerError(err) ? err : sqliteError(err, what)
  return { code: e.code, message: e.message, details: e.details }
}

/** 32 action rows are 1,024 parameters, well inside SQLite's limit of 32,766 per statement. */
const MAX_ROWS_PER_INSERT = 32

export interface BatchWriter {
  applyBatch(ops: SqliteOp[]): WireOutcome[]
  /** Stores the checkpoint unless one at or beyond its seq exists already; true when stored. */
  insertCheckpoint(cp: Checkpoint): boolean
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
    'INSERT INTO action_events (id, action_id, event_type, meta, created_at, prev_hash, hash, action_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
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
    if (isCreate(op)) {
      return { pos: Number(insertAction.run(op.length === ROW_WIDTH ? op : op.slice(0, ROW_WIDTH)).lastInsertRowid), action: null }
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
      throw transitionRefused(op.actionId, null, { from: [], to: 'failed' })
    }
    return { pos, action: null }
  }

  /**
   * A multi-row INSERT of `width` columns: up to MAX_ROWS_PER_INSERT rows go in one statement of exactly that many
   * rows (each size prepared on first use, so at most 32 statements a table), more in several. One statement a batch
   * rather than one per power of two (7 rows were 3 runs): every run costs its own bind and step.
   */
  function multiRowInsert(head: string, width: number): (values: Array<string | number | null>) => number {
    const byRows = new Map<number, Database.Statement>()
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`
    return (values) => {
      let last = 0
      for (let at = 0; at < values.length; at += MAX_ROWS_PER_INSERT * width) {
        const n = Math.min(MAX_ROWS_PER_INSERT, (values.length - at) / width)
        let s = byRows.get(n)
        if (!s) byRows.set(n, (s = db.prepare(`${head} VALUES ${Array.from({ length: n }, () => row).join(', ')}`)))
        // Spread into arguments: better-sqlite3 binds arguments directly, an array's elements one N-API call each
        // (callgrind, 7-create batches: 7.6 % fewer instructions in Statement.run).
        last = Number(s.run(...(at === 0 && n * width === values.length ? values : values.slice(at, at + n * width))).lastInsertRowid)
      }
      return last
    }
  }
  // No explicit rowid (actions.pos, action_events.seq): SQLite gives each row the table's largest rowid + 1, which is
  // what the chain was computed with (BEGIN IMMEDIATE holds the write lock; nothing is ever deleted), and
  // lastInsertRowid confirms it (expectRowid). An explicit INTEGER PRIMARY KEY value is checked at run time, so a
  // multi-row statement could fail half-way and SQLite keeps a statement journal for it, copying every page the
  // statement touches before changing it (callgrind: 6.5 % of Statement.run for 7-create batches).
  const insertActions = multiRowInsert(`INSERT OR ROLLBACK INTO actions (${ACTION_COLUMN_NAMES.join(', ')})`, ACTION_COLUMN_NAMES.length)
  const insertEvents = multiRowInsert(
    'INSERT OR ROLLBACK INTO action_events (id, action_id, event_type, meta, created_at, prev_hash, hash, action_pos)',
    EVENT_COLUMNS,
  )
  function expectRowid(table: string, got: number, want: number): void {
    if (got !== want) throw new Error(`${table}: SQLite gave rowid ${got} where the write expected ${want}`)
  }
  const maxPosStmt = stmt('SELECT max(pos) FROM actions').pluck()

  type Head = { seq: number; hash: string } | null
  /**
   * Chains an op's flat events after `head` (from index `from` of `flat`), appending each event's column values (in
   * insertEvent's order, EVENT_COLUMNS of them; seq is the rowid SQLite assigns) to `into`; returns the op's outcome
   * and the new head.
   */
  function chain(
    head: Head,
    actionId: string,
    flat: ReadonlyArray<string | number | null>,
    from: number,
    pos: number,
    action: ActionRecord | null,
    into: Array<string | number | null>,
  ): { outcome: WireOutcome; head: Head } {
    const seq0 = (head?.seq ?? 0) + 1
    const prev0 = head?.hash ?? ''
    let seq = seq0 - 1
    let prev = prev0
    const hashes: string[] = []
    for (let j = from; j < flat.length; j += EVENT_WIDTH) {
      const id = flat[j] as string
      const type = flat[j + 1] as string
      const meta = flat[j + 2] as string
      const createdAt = flat[j + 3] as string
      seq++
      const hash = eventHashOf(seq, id, actionId, type, meta, createdAt, prev)
      into.push(id, actionId, type, meta, createdAt, prev, hash, pos)
      hashes.push(hash)
      prev = hash
    }
    return { outcome: { ok: true, action, seq: seq0, prevHash: prev0, hashes }, head: hashes.length > 0 ? { seq, hash: prev } : head }
  }
  /** The op's action id and where its flat events start. */
  const eventsOf = (op: SqliteOp): [actionId: string, flat: ReadonlyArray<string | number | null>, from: number] =>
    isCreate(op) ? [op[0] as string, op, ROW_WIDTH] : [op.kind === 'transition' ? op.id : op.actionId, op.events, 0]

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
      expectRowid('actions', insertActions(actionValues), pos)
      actionValues.length = 0
    }
    const outcomes: WireOutcome[] = []
    for (const op of ops) {
      let at: number
      let action: ActionRecord | null = null
      if (isCreate(op)) {
        at = ++pos
        for (let i = 0; i < ROW_WIDTH; i++) actionValues.push(op[i]!)
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
      const [actionId, flat, from] = eventsOf(op)
      const done = chain(head, actionId, flat, from, at, action, eventValues)
      outcomes.push(done.outcome)
      head = done.head
    }
    flushActions()
    if (eventValues.length > 0) expectRowid('action_events', insertEvents(eventValues), head!.seq)
    return outcomes
  }

  /** Op by op, each in a savepoint: a refused or failing op rolls back alone and its batch-mates still commit. */
  function applyEach(ops: SqliteOp[], head: Head): WireOutcome[] {
    const outcomes: WireOutcome[] = []
    for (const op of ops) {
      savepoint.run()
      try {
        const { pos, action } = applyRow(op)
        const [actionId, flat, from] = eventsOf(op)
        const values: Array<string | number | null> = []
        const done = chain(head, actionId, flat, from, pos, action, values)
        for (let i = 0, seq = done.outcome.ok ? done.outcome.seq : 0; i < values.length; i += EVENT_COLUMNS, seq++) {
          expectRowid('action_events', Number(insertEvent.run(values.slice(i, i + EVENT_COLUMNS)).lastInsertRowid), seq)
        }
        release.run()
        outcomes.push(done.outcome)
        head = done.head
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
      // One statement, so atomic against every other writer of the file: checkpoints only ever move forward, in seq
      // and in time (a head signed before another writer's later one, but stored after it, is dropped).
      const r = stmt(
        `INSERT INTO ledger_checkpoints (seq, hash, created_at, key_id, signature)
         SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM ledger_checkpoints WHERE seq >= ? OR created_at > ?)`,
      ).run(cp.seq, cp.hash, cp.created_at, cp.key_id, cp.signature, cp.seq, cp.created_at)
      return r.changes === 1
    },
    registerPublicKey(keyId, pem, createdAt) {
      stmt('INSERT OR IGNORE INTO ledger_keys (key_id, public_key_pem, created_at) VALUES (?, ?, ?)').run(keyId, pem, createdAt)
    },
  }
}
