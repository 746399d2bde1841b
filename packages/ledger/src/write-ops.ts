// Writes as plain data, so one batch (group commit) can carry many callers' writes into one transaction.
import { ACTION_STATUSES, EVENT_TYPES, type ActionStatus } from '@faramesh/policy-core'
import { encodePatch, isPlainJson, prepareAction, toJson, type ActionColumn, type RowValues } from './action-codec.js'
import { CREATE_STAMP, createStamp, WRITE_STAMP, writeStamp } from './action-fold.js'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'
import { uuidv7 } from './ids.js'
import type { StoredEvent, UnchainedEvent } from './hash-chain.js'
import type { ActionRecord, NewEvent, TransitionRequest } from './types.js'

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES)

export type WriteOp =
  | { kind: 'create'; record: ActionRecord; row: RowValues; events: UnchainedEvent[] }
  | {
      kind: 'transition'
      id: string
      from: readonly ActionStatus[]
      to: ActionStatus
      set: Array<[ActionColumn, string | number | null]>
      expectRequestHash: string | undefined
      events: UnchainedEvent[]
    }
  | { kind: 'append'; actionId: string; events: UnchainedEvent[] }

/** What a dialect answers for one op: the action after the write (create/transition) and the chained events. */
export interface OpResult {
  action: ActionRecord | null
  events: StoredEvent[]
}

/**
 * An event ready to chain. `metas[at]` receives its meta as it will be read back (the object itself when plain JSON),
 * for the stamp; a parallel array rather than a wrapper object per event, on the submit path.
 */
function prepare(actionId: string, e: NewEvent, now: string, metas: Array<Record<string, unknown>>, at: number): UnchainedEvent {
  if (typeof e !== 'object' || e === null) throw new LedgerError('INVALID_INPUT', 'event must be an object')
  if (!KNOWN_EVENT_TYPES.has(e.event_type)) throw new LedgerError('INVALID_INPUT', `unknown event_type ${String(e.event_type)}`)
  let meta = e.meta ?? {}
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new LedgerError('INVALID_INPUT', 'event meta must be an object')
  if (CREATE_STAMP in meta || WRITE_STAMP in meta) {
    throw new LedgerError('INVALID_INPUT', `event meta keys ${CREATE_STAMP} and ${WRITE_STAMP} are the ledger's own (what a write stored)`)
  }
  let metaText: string
  try {
    // Plain data is canonicalised as is. Anything else round-trips through JSON first: undefined members vanish
    // and toJSON applies exactly as they will when the meta is read back.
    if (isPlainJson(meta)) metaText = canonicalJson(meta)
    else {
      meta = JSON.parse(toJson('event meta', meta)) as Record<string, unknown>
      metaText = canonicalJson(meta)
    }
  } catch (err) {
    throw new LedgerError('INVALID_INPUT', `event meta cannot be canonicalised: ${(err as Error).message}`, undefined, err)
  }
  if (e.id !== undefined && (typeof e.id !== 'string' || e.id === '')) throw new LedgerError('INVALID_INPUT', 'event id must be a non-empty string')
  if (e.created_at !== undefined && typeof e.created_at !== 'string') throw new LedgerError('INVALID_INPUT', 'event created_at must be a string')
  metas[at] = meta
  return { id: e.id ?? uuidv7(), action_id: actionId, event_type: e.event_type, meta: metaText, created_at: e.created_at ?? now }
}

export function prepareEvent(actionId: string, e: NewEvent, now: string): UnchainedEvent {
  return prepare(actionId, e, now, [], 0)
}

/**
 * Adds `key: value` to the event's meta (`meta`: the meta as an object; `value`: canonical JSON text). The gateway's
 * metas have keys that sort before the stamp's, so the key goes in front of the closing brace of the canonical text
 * without canonicalising the meta again.
 */
function stamp(e: UnchainedEvent, meta: Record<string, unknown>, key: string, value: string): UnchainedEvent {
  let last = true
  let any = false
  // `<` on UTF-16 units orders any key exactly against an ASCII key such as the stamp's.
  for (const k in meta) {
    any = true
    if (!(k < key)) last = false
  }
  e.meta = last ? `${e.meta.slice(0, -1)}${any ? ',' : ''}"${key}":${value}}` : canonicalJson({ ...meta, [key]: JSON.parse(value) as unknown })
  return e
}

export type CreateOp = Extract<WriteOp, { kind: 'create' }>

export function createOp(action: ActionRecord, events: NewEvent[], now: string): CreateOp {
  const { record, row } = prepareAction(action, now)
  if (!Array.isArray(events)) throw new LedgerError('INVALID_INPUT', 'events must be an array')
  // A row no event vouches for could not be told from one inserted behind the ledger's back.
  if (events.length === 0) throw new LedgerError('INVALID_INPUT', 'an action is created with at least one event (its created event)')
  const metas: Array<Record<string, unknown>> = new Array(events.length)
  const out = events.map((e, i) => prepare(record.id, e, now, metas, i))
  const last = out.length - 1
  stamp(out[last]!, metas[last]!, CREATE_STAMP, createStamp(record, row, out, metas))
  return { kind: 'create', record, row, events: out }
}

export function transitionOp(id: string, req: TransitionRequest, now: string): WriteOp {
  if (typeof id !== 'string' || id === '') throw new LedgerError('INVALID_INPUT', 'action id must be a non-empty string')
  if (!Array.isArray(req.from) || req.from.length === 0 || !req.from.every((s) => ACTION_STATUSES.includes(s))) {
    throw new LedgerError('INVALID_INPUT', 'transition.from must be a non-empty list of statuses')
  }
  if (!ACTION_STATUSES.includes(req.to)) throw new LedgerError('INVALID_INPUT', `unknown status ${String(req.to)}`)
  const set = encodePatch(req.patch)
  if (!set.some(([c]) => c === 'updated_at')) set.push(['updated_at', now])
  const metas: Array<Record<string, unknown>> = []
  const e = prepare(id, req.event, now, metas, 0)
  return {
    kind: 'transition',
    id,
    from: [...req.from],
    to: req.to,
    set,
    expectRequestHash: req.expectRequestHash,
    events: [stamp(e, metas[0]!, WRITE_STAMP, canonicalJson(writeStamp(req.to, set, e.created_at)))],
  }
}

export function appendOp(actionId: string, e: NewEvent, now: string): WriteOp {
  if (typeof actionId !== 'string' || actionId === '') throw new LedgerError('INVALID_INPUT', 'action id must be a non-empty string')
  // `set: {}`: this write changed no column of the action (verify then knows it is not an older transition).
  const metas: Array<Record<string, unknown>> = []
  return { kind: 'append', actionId, events: [stamp(prepare(actionId, e, now, metas, 0), metas[0]!, WRITE_STAMP, '{}')] }
}

export function transitionRefused(id: string, current: ActionRecord | null, op: { from: readonly ActionStatus[]; to: ActionStatus }): LedgerError {
  if (!current) return new LedgerError('NOT_FOUND', `action ${id} not found`, { id })
  if (!op.from.includes(current.status)) {
    return new LedgerError(
      'INVALID_TRANSITION',
      `action ${id} is ${current.status}, not ${op.from.join(' or ')}; cannot move it to ${op.to}`,
      { id, status: current.status, to: op.to },
    )
  }
  return new LedgerError('INVALID_TRANSITION', `action ${id} request_hash changed since approval; refusing ${op.to}`, {
    id,
    reason: 'request_hash',
  })
}
