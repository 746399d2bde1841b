// SQLite store: reads on this thread's connection, writes through the SqliteWriter (the write worker's own
// connection: batch-writer.ts). WAL lets the two run at once: a read sees every transaction committed before it.
import type Database from 'better-sqlite3'
import type { Checkpoint } from '@faramesh/policy-core'
import { decodeAction } from '../action-codec.js'
import { encodeCursor, pageOffset, pageSize } from '../cursor.js'
import type { BatchOutcome } from '../group-commit.js'
import { eventFromValues, EVENT_SELECT, type StoredEvent } from '../hash-chain.js'
import { buildWhere } from '../list-filter.js'
import type { AuditedAction, CountFilter, LedgerStore } from '../store.js'
import type { ListFilter } from '../types.js'
import type { OpResult, WriteOp } from '../write-ops.js'
import { toSqliteOp } from './batch-writer.js'
import type { WireOutcome } from './write-protocol.js'
import { sqliteError } from './errors.js'
import { fromWire, type SqliteWriter } from './write-client.js'

type Row = Record<string, unknown>

export function createSqliteStore(db: Database.Database, writer: SqliteWriter): LedgerStore {
  const cache = new Map<string, Database.Statement>()
  const stmt = (sql: string) => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  const headStmt = stmt('SELECT seq, hash FROM action_events ORDER BY seq DESC LIMIT 1')
  const getStmt = stmt('SELECT * FROM actions WHERE id = ?')
  // Arrays instead of row objects: verify() reads a million rows, and this is a third faster.
  const readRange = db.prepare(`SELECT ${EVENT_SELECT} FROM action_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).raw(true)

  const lastCheckpointStmt = stmt('SELECT seq, hash, created_at, key_id, signature FROM ledger_checkpoints ORDER BY seq DESC LIMIT 1')
  const auditRows = stmt('SELECT * FROM actions WHERE pos > ? ORDER BY pos LIMIT ?')
  // By action_pos, the index the timelines use: an event filed under the wrong pos is missed here, and verify's count
  // of linked events then finds it (unlinkedEvent).
  const auditEvents = db.prepare(`SELECT ${EVENT_SELECT}, action_pos FROM action_events WHERE action_pos > ? AND action_pos <= ? ORDER BY action_pos, seq`).raw(true)
  // One read transaction: the rows and their events from the same snapshot, even while the writer commits.
  const auditBatch = db.transaction((afterPos: number, limit: number): AuditedAction[] => {
    const rows = auditRows.all(afterPos, limit) as Row[]
    if (rows.length === 0) return []
    const byPos = new Map<number, AuditedAction>()
    const out = rows.map((r) => {
      const a = { pos: r.pos as number, action: decodeAction(r, false), events: [] as StoredEvent[] }
      byPos.set(a.pos, a)
      return a
    })
    for (const v of auditEvents.all(afterPos, out.at(-1)!.pos) as unknown[][]) byPos.get(v[8] as number)?.events.push(eventFromValues(v))
    return out
  })
  const lastCheckpoint = () => (lastCheckpointStmt.get() as Checkpoint | undefined) ?? null

  const read = <T>(what: string, f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f())
    } catch (err) {
      return Promise.reject(sqliteError(err, what))
    }
  }
  const head = () => (headStmt.get() as { seq: number; hash: string } | undefined) ?? null
  const getAction = (id: string) => {
    const row = getStmt.get(id) as Row | undefined
    return row ? decodeAction(row, false) : null
  }

  /** The op's result from the worker's answer: events rebuilt from what was sent plus the seqs and hashes. */
  function result(op: WriteOp, o: WireOutcome): BatchOutcome<OpResult> {
    if (!o.ok) return { ok: false, error: fromWire(o.error) }
    let prev = o.prevHash
    const events = op.events.map((e, i): StoredEvent => {
      const stored = { ...e, seq: o.seq + i, prev_hash: prev, hash: o.hashes[i]! }
      prev = stored.hash
      return stored
    })
    return { ok: true, value: { action: op.kind === 'create' ? op.record : o.action, events } }
  }

  return {
    dialect: 'sqlite',
    writeConcurrency: writer.concurrency,
    async applyBatch(ops) {
      const outcomes = await writer.applyBatch(ops.map(toSqliteOp))
      return ops.map((op, i) => result(op, outcomes[i] ?? { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'no outcome for write', details: undefined } }))
    },
    getAction: (id) => read('get action', () => getAction(id)),
    findByIdPrefix: (prefix, limit) =>
      read('find by prefix', () =>
        (stmt('SELECT * FROM actions WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').all(prefix, `${prefix}\u{10FFFF}`, limit) as Row[]).map((r) =>
          decodeAction(r, false),
        ),
      ),
    findByIdempotencyKey: (scope, key) =>
      read('find by idempotency key', () => {
        const row = stmt('SELECT * FROM actions WHERE coalesce(submitted_by, agent_id) = ? AND idempotency_key = ?').get(scope, key) as Row | undefined
        return row ? decodeAction(row, false) : null
      }),
    listActions: (filter: ListFilter) =>
      read('list actions', () => {
        const limit = pageSize(filter.limit)
        const offset = filter.cursor ? 0 : pageOffset(filter.offset)
        const where = buildWhere(filter, () => '?', 'like')
        const rows = stmt(`SELECT * FROM actions ${where.sql} ORDER BY pos DESC LIMIT ? OFFSET ?`).all(...where.params, limit + 1, offset) as Row[]
        const more = rows.length > limit
        const items = rows.slice(0, limit)
        return { items: items.map((r) => decodeAction(r, false)), next_cursor: more ? encodeCursor(items.at(-1)!.pos as number) : null }
      }),
    countActions: (filter: CountFilter) =>
      read('count actions', () => {
        const where = buildWhere(filter, () => '?', 'like')
        return (stmt(`SELECT count(*) AS n FROM actions ${where.sql}`).get(...where.params) as { n: number }).n
      }),
    stats: () =>
      read('stats', () => ({
        by_status_tool: stmt('SELECT status, tool, count(*) AS count FROM actions GROUP BY status, tool ORDER BY status, tool').all() as never,
      })),
    expiredApprovals: (now, limit) =>
      read('expired approvals', () =>
        (
          stmt(
            `SELECT * FROM actions WHERE status = 'pending_approval' AND approval_expires_at < ? ORDER BY approval_expires_at LIMIT ?`,
          ).all(now, limit) as Row[]
        ).map((r) => decodeAction(r, false)),
      ),
    getEvents: (actionId) =>
      read('get events', () => stmt(`SELECT ${EVENT_SELECT} FROM action_events WHERE action_pos = (SELECT pos FROM actions WHERE id = ?) ORDER BY seq`).all(actionId) as StoredEvent[]),
    readEvents: (afterSeq, limit, toSeq) =>
      read('read events', () => (readRange.all(afterSeq, toSeq ?? Number.MAX_SAFE_INTEGER, limit) as unknown[][]).map(eventFromValues)),
    async *scanEvents(afterSeq, toSeq) {
      for (let after = afterSeq; ; ) {
        const page = (readRange.all(after, toSeq ?? Number.MAX_SAFE_INTEGER, 10_000) as unknown[][]).map(eventFromValues)
        if (page.length) yield page
        if (page.length < 10_000) return
        after = page[page.length - 1]!.seq
      }
    },
    eventAt: (seq) =>
      read('read event', () => (stmt(`SELECT ${EVENT_SELECT} FROM action_events WHERE seq = ?`).get(seq) as StoredEvent | undefined) ?? null),
    head: () => read('head', head),
    checkpoints: () =>
      read('checkpoints', () => stmt('SELECT seq, hash, created_at, key_id, signature FROM ledger_checkpoints ORDER BY seq').all() as Checkpoint[]),
    lastCheckpoint: () => read('checkpoints', lastCheckpoint),
    async appendCheckpoint(sign, minAdvance) {
      const [h, last] = await read('checkpoints', () => [head(), lastCheckpoint()] as const)
      if (!h || h.seq < (last?.seq ?? 0) + Math.max(1, minAdvance)) return null
      const cp = sign(h, last)
      // The insert re-checks under the write lock: a checkpoint another process stored meanwhile wins.
      return (await writer.insertCheckpoint(cp)) ? cp : null
    },
    auditActions: (afterPos, limit) => read('read actions', () => auditBatch(afterPos, limit)),
    unlinkedEvent: (maxSeq) =>
      read('read events', () => {
        const r = stmt(
          `SELECT e.seq, e.action_id, EXISTS (SELECT 1 FROM actions a WHERE a.id = e.action_id) AS row_exists FROM action_events e
           WHERE e.seq <= ? AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.pos = e.action_pos AND a.id = e.action_id) ORDER BY e.seq LIMIT 1`,
        ).get(maxSeq) as { seq: number; action_id: string; row_exists: number } | undefined
        return r ? { seq: r.seq, action_id: r.action_id, row_exists: r.row_exists === 1 } : null
      }),
    publicKeys: () =>
      read('public keys', () => (stmt('SELECT public_key_pem FROM ledger_keys').all() as Array<{ public_key_pem: string }>).map((r) => r.public_key_pem)),
    registerPublicKey: (keyId, pem, createdAt) => writer.registerPublicKey(keyId, pem, createdAt),
    watchExternal(onChange) {
      // data_version changes when another connection (another process) commits to the file.
      let seen = db.pragma('data_version', { simple: true })
      const t = setInterval(() => {
        try {
          const v = db.pragma('data_version', { simple: true })
          if (v !== seen) {
            seen = v
            onChange()
          }
        } catch {
          clearInterval(t)
        }
      }, 200)
      t.unref()
      return () => clearInterval(t)
    },
    ping: () => read('ping', () => stmt('SELECT 1 AS ok').get() !== undefined).catch(() => false),
    async close() {
      // The writer first: its last batch's callers were answered already (the ledger drains before closing).
      await writer.close().catch(() => undefined)
      db.close()
    },
  }
}
