// Postgres store: each batch is one transaction holding a transaction-level advisory lock on the chain, so several
// server processes append to one chain without forks. The ops' statements are sent without waiting for each other
// (postgres.js pipelines them), the events go in as one multi-row insert, and NOTIFY tells other processes.
import type { Sql, TransactionSql } from 'postgres'
import type { Checkpoint } from '@faramesh/policy-core'
import { ACTION_COLUMNS, ACTION_COLUMN_NAMES, decodeAction } from '../action-codec.js'
import { encodeCursor, pageOffset, pageSize } from '../cursor.js'
import type { BatchOutcome } from '../group-commit.js'
import { chainEvents, eventFromValues, EVENT_COLUMNS, EVENT_SELECT, type StoredEvent } from '../hash-chain.js'
import { buildWhere } from '../list-filter.js'
import type { AuditedAction, CountFilter, LedgerStore } from '../store.js'
import type { ActionRecord, ListFilter } from '../types.js'
import { transitionRefused, type OpResult, type WriteOp } from '../write-ops.js'
import { copyEvents } from './copy-events.js'
import { isConnectionError, pgError } from './errors.js'

type Row = Record<string, unknown>
export const CHAIN_LOCK = 0x6661_7263 // "farc"
/** Serialises checkpoints across processes (apart from CHAIN_LOCK, so signing never holds up appends). */
export const CHECKPOINT_LOCK = 0x6661_7270 // "farp"
export const NOTIFY_CHANNEL = 'faramesh_ledger_events'
const INSERT_ACTION = `insert into actions (${ACTION_COLUMN_NAMES.join(', ')}) values (${ACTION_COLUMN_NAMES.map(
  (c, i) => (ACTION_COLUMNS[c] === 'json' ? `$${i + 1}::text::jsonb` : `$${i + 1}`),
).join(', ')}) on conflict (id) do nothing returning pos`

const toEvent = (r: Row): StoredEvent => ({ ...(r as unknown as StoredEvent), seq: Number(r.seq) })
const toAction = (r: Row): ActionRecord => decodeAction(r, true)
const param = (v: unknown) => v as never

type Step = { ok: true; action: ActionRecord | null } | { ok: false; error: unknown }

function step(tx: TransactionSql, op: WriteOp): Promise<Step> {
  if (op.kind === 'create') {
    return tx.unsafe(INSERT_ACTION, op.row.map(param)).then((rows) =>
      rows.length === 1 ? { ok: true, action: op.record } : { ok: false, error: pgError({ code: '23505', message: `action ${op.record.id} already exists` }, 'create action') },
    )
  }
  if (op.kind === 'transition') {
    const sets = op.set.map(([c], i) => `, ${c} = $${i + 2}${ACTION_COLUMNS[c] === 'json' ? '::text::jsonb' : ''}`).join('')
    const n = op.set.length + 2
    const hashCheck = op.expectRequestHash === undefined ? '' : ` and request_hash = $${n + 2}`
    const text = `update actions set status = $1${sets} where id = $${n} and status = any($${n + 1}::text[])${hashCheck} returning *`
    const args = [op.to, ...op.set.map(([, v]) => v), op.id, op.from, ...(op.expectRequestHash === undefined ? [] : [op.expectRequestHash])]
    return tx.unsafe(text, args.map(param)).then(async (rows) => {
      if (rows[0]) return { ok: true, action: toAction(rows[0]) }
      const [cur] = await tx.unsafe('select * from actions where id = $1', [op.id])
      return { ok: false, error: transitionRefused(op.id, cur ? toAction(cur) : null, op) }
    })
  }
  return tx.unsafe('select 1 from actions where id = $1', [op.actionId]).then((rows) =>
    rows.length ? { ok: true, action: null } : { ok: false, error: transitionRefused(op.actionId, null, { from: [], to: 'failed' }) },
  )
}

export function createPostgresStore(sql: Sql): LedgerStore {
  const read = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (err) {
      throw pgError(err, what)
    }
  }
  const head = async () => {
    const [h] = await sql`select seq, hash from action_events order by seq desc limit 1`
    return h ? { seq: Number(h.seq), hash: h.hash as string } : null
  }

  async function runBatch(ops: WriteOp[]): Promise<Array<BatchOutcome<OpResult>>> {
    return sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${CHAIN_LOCK})`
      const [h] = await tx`select seq, hash from action_events order by seq desc limit 1`
      let chainHead = h ? { seq: Number(h.seq), hash: h.hash as string } : null
      const steps = await Promise.all(ops.map((op) => step(tx, op)))
      const outcomes: Array<BatchOutcome<OpResult>> = []
      const rows: StoredEvent[] = []
      steps.forEach((s, i) => {
        if (!s.ok) return outcomes.push({ ok: false, error: s.error })
        const events = chainEvents(chainHead, ops[i]!.events)
        if (events.length) chainHead = events[events.length - 1]!
        rows.push(...events)
        return outcomes.push({ ok: true, value: { action: s.action, events } })
      })
      if (rows.length) {
        await tx`insert into action_events ${tx(rows, ...EVENT_COLUMNS)}`
        await tx`select pg_notify(${NOTIFY_CHANNEL}, ${String(chainHead!.seq)})`
      }
      return outcomes
    })
  }

  async function applyBatch(ops: WriteOp[]): Promise<Array<BatchOutcome<OpResult>>> {
    try {
      return await runBatch(ops)
    } catch (err) {
      // One bad op (say, a duplicate event id) aborts the whole transaction: retry each op alone so only it fails.
      if (ops.length > 1 && !isConnectionError(err)) {
        const out: Array<BatchOutcome<OpResult>> = []
        for (const op of ops) out.push(...(await applyBatch([op])))
        return out
      }
      const error = pgError(err, 'write failed')
      return ops.map(() => ({ ok: false, error }))
    }
  }

  const where = (filter: ListFilter) => buildWhere(filter, (n) => `$${n}`)
  return {
    dialect: 'postgres',
    applyBatch,
    getAction: (id) => read('get action', async () => {
      const [r] = await sql`select * from actions where id = ${id}`
      return r ? toAction(r) : null
    }),
    findByIdPrefix: (prefix, limit) => read('find by prefix', async () => {
      const pat = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      return (await sql`select * from actions where id like ${pat} order by id limit ${limit}`).map(toAction)
    }),
    findByIdempotencyKey: (scope, key) => read('find by idempotency key', async () => {
      const [r] = await sql`select * from actions where coalesce(submitted_by, agent_id) = ${scope} and idempotency_key = ${key}`
      return r ? toAction(r) : null
    }),
    listActions: (filter) => read('list actions', async () => {
      const limit = pageSize(filter.limit)
      const offset = filter.cursor ? 0 : pageOffset(filter.offset)
      const w = where(filter)
      const n = w.params.length
      const rows = await sql.unsafe(`select * from actions ${w.sql} order by pos desc limit $${n + 1} offset $${n + 2}`, [...w.params, limit + 1, offset].map(param))
      const items = rows.slice(0, limit)
      return { items: items.map(toAction), next_cursor: rows.length > limit ? encodeCursor(Number(items.at(-1)!.pos)) : null }
    }),
    countActions: (filter: CountFilter) => read('count actions', async () => {
      const w = where(filter)
      const [r] = await sql.unsafe(`select count(*)::int8 as n from actions ${w.sql}`, w.params.map(param))
      return Number(r!.n)
    }),
    stats: () => read('stats', async () => ({
      by_status_tool: (await sql`select status, tool, count(*)::int8 as count from actions group by status, tool order by status, tool`).map(
        (r) => ({ status: r.status, tool: r.tool, count: Number(r.count) }),
      ),
    })),
    expiredApprovals: (now, limit) => read('expired approvals', async () =>
      (await sql`select * from actions where status = 'pending_approval' and approval_expires_at < ${now} order by approval_expires_at limit ${limit}`).map(toAction),
    ),
    getEvents: (actionId) => read('get events', async () =>
      (await sql.unsafe(`select ${EVENT_SELECT} from action_events where action_id = $1 order by seq`, [actionId])).map(toEvent),
    ),
    readEvents: (afterSeq, limit, toSeq) => read('read events', async () =>
      // Arrays, not row objects, and a prepared statement: verify() reads a million rows through here.
      (await sql.unsafe(
        `select ${EVENT_SELECT} from action_events where seq > $1 and seq <= $2 order by seq limit $3`,
        [afterSeq, toSeq ?? Number.MAX_SAFE_INTEGER, limit],
        { prepare: true },
      ).values()).map(eventFromValues),
    ),
    async *scanEvents(afterSeq, toSeq) {
      try {
        yield* copyEvents(sql, afterSeq, toSeq)
      } catch (err) {
        throw pgError(err, 'read events')
      }
    },
    eventAt: (seq) => read('read event', async () => {
      const [r] = await sql.unsafe(`select ${EVENT_SELECT} from action_events where seq = $1`, [seq])
      return r ? toEvent(r) : null
    }),
    head: () => read('head', head),
    checkpoints: () => read('checkpoints', async () =>
      (await sql`select seq, hash, created_at, key_id, signature from ledger_checkpoints order by seq`).map(
        (r) => ({ ...r, seq: Number(r.seq) }) as Checkpoint,
      ),
    ),
    lastCheckpoint: () => read('checkpoints', async () => {
      const [r] = await sql`select seq, hash, created_at, key_id, signature from ledger_checkpoints order by seq desc limit 1`
      return r ? ({ ...r, seq: Number(r.seq) } as Checkpoint) : null
    }),
    appendCheckpoint: (sign, minAdvance) => read('write checkpoint', () =>
      // Under a lock every gateway on this database takes: the head and the last checkpoint are read, signed and
      // stored as one step, so checkpoints form one increasing sequence however many processes sign.
      sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`
        const [h] = await tx`select seq, hash from action_events order by seq desc limit 1`
        const [last] = await tx`select seq, hash, created_at, key_id, signature from ledger_checkpoints order by seq desc limit 1`
        if (!h || Number(h.seq) < Number(last?.seq ?? 0) + Math.max(1, minAdvance)) return null
        const cp = sign({ seq: Number(h.seq), hash: h.hash as string }, last ? ({ ...last, seq: Number(last.seq) } as Checkpoint) : null)
        await tx`insert into ledger_checkpoints ${tx(cp, 'seq', 'hash', 'created_at', 'key_id', 'signature')}`
        return cp
      }),
    ),
    auditActions: (afterPos, limit) => read('read actions', () =>
      // One repeatable-read snapshot: the rows and their events agree even while other processes write.
      sql.begin('isolation level repeatable read read only', async (tx): Promise<AuditedAction[]> => {
        const rows = await tx`select * from actions where pos > ${afterPos} order by pos limit ${limit}`
        if (rows.length === 0) return []
        const byId = new Map<string, AuditedAction>()
        const out = rows.map((r) => {
          const a = { pos: Number(r.pos), action: toAction(r), events: [] as StoredEvent[] }
          byId.set(a.action.id, a)
          return a
        })
        const values = await tx
          .unsafe(`select ${EVENT_SELECT} from action_events where action_id = any($1::text[]) order by action_id, seq`, [[...byId.keys()]] as never)
          .values()
        for (const v of values) byId.get(v[2] as string)?.events.push(eventFromValues(v))
        return out
      }),
    ),
    unlinkedEvent: (maxSeq) => read('read events', async () => {
      const [r] = await sql`select e.seq, e.action_id from action_events e
        where e.seq <= ${maxSeq} and not exists (select 1 from actions a where a.id = e.action_id) order by e.seq limit 1`
      return r ? { seq: Number(r.seq), action_id: r.action_id as string, row_exists: false } : null
    }),
    publicKeys: () => read('public keys', async () => (await sql`select public_key_pem from ledger_keys`).map((r) => r.public_key_pem as string)),
    registerPublicKey: (keyId, pem, createdAt) => read('register key', async () => {
      await sql`insert into ledger_keys (key_id, public_key_pem, created_at) values (${keyId}, ${pem}, ${createdAt}) on conflict (key_id) do nothing`
    }),
    watchExternal(onChange) {
      let stop: (() => Promise<void>) | null = null
      let stopped = false
      void sql.listen(NOTIFY_CHANNEL, () => onChange(), onChange).then(
        (l) => (stopped ? void l.unlisten() : (stop = () => l.unlisten())),
        () => undefined,
      )
      return () => {
        stopped = true
        void stop?.().catch(() => undefined)
      }
    },
    ping: async () => {
      try {
        await sql`select 1`
        return true
      } catch {
        return false
      }
    },
    close: () => read('close', () => sql.end({ timeout: 5 })),
  }
}
