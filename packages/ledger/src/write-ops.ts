// Writes as plain data, so one batch (group commit) can carry many callers' writes into one transaction.
import type { ActionStatus } from '@faramesh/policy-core'
import { encodePatch, isPlainJson, prepareAction, toJson, ACTION_STATUSES, type ActionColumn, type RowValues } from './action-codec.js'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'
import { uuidv7 } from './ids.js'
import type { StoredEvent, UnchainedEvent } from './hash-chain.js'
import type { ActionRecord, NewEvent, TransitionRequest } from './types.js'

const EVENT_TYPES = new Set(['created', 'decision_made', 'approved', 'denied', 'started', 'succeeded', 'failed', 'timeout'])

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

export function prepareEvent(actionId: string, e: NewEvent, now: string): UnchainedEvent {
  if (typeof e !== 'object' || e === null) throw new LedgerError('INVALID_INPUT', 'event must be an object')
  if (!EVENT_TYPES.has(e.event_type)) throw new LedgerError('INVALID_INPUT', `unknown event_type ${String(e.event_type)}`)
  const meta = e.meta ?? {}
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new LedgerError('INVALID_INPUT', 'event meta must be an object')
  let metaText: string
  try {
    // Plain data is canonicalised as is. Anything else round-trips through JSON first: undefined members vanish
    // and toJSON applies exactly as they will when the meta is read back.
    metaText = isPlainJson(meta) ? canonicalJson(meta) : canonicalJson(JSON.parse(toJson('event meta', meta)))
  } catch (err) {
    throw new LedgerError('INVALID_INPUT', `event meta cannot be canonicalised: ${(err as Error).message}`, undefined, err)
  }
  if (e.id !== undefined && (typeof e.id !== 'string' || e.id === '')) throw new LedgerError('INVALID_INPUT', 'event id must be a non-empty string')
  if (e.created_at !== undefined && typeof e.created_at !== 'string') throw new LedgerError('INVALID_INPUT', 'event created_at must be a string')
  return { id: e.id ?? uuidv7(), action_id: actionId, event_type: e.event_type, meta: metaText, created_at: e.created_at ?? now }
}

export type CreateOp = Extract<WriteOp, { kind: 'create' }>

export function createOp(action: ActionRecord, events: NewEvent[], now: string): CreateOp {
  const { record, row } = prepareAction(action, now)
  if (!Array.isArray(events)) throw new LedgerError('INVALID_INPUT', 'events must be an array')
  return { kind: 'create', record, row, events: events.map((e) => prepareEvent(record.id, e, now)) }
}

export function transitionOp(id: string, req: TransitionRequest, now: string): WriteOp {
  if (typeof id !== 'string' || id === '') throw new LedgerError('INVALID_INPUT', 'action id must be a non-empty string')
  if (!Array.isArray(req.from) || req.from.length === 0 || !req.from.every((s) => ACTION_STATUSES.includes(s))) {
    throw new LedgerError('INVALID_INPUT', 'transition.from must be a non-empty list of statuses')
  }
  if (!ACTION_STATUSES.includes(req.to)) throw new LedgerError('INVALID_INPUT', `unknown status ${String(req.to)}`)
  const set = encodePatch(req.patch)
  if (!set.some(([c]) => c === 'updated_at')) set.push(['updated_at', now])
  return {
    kind: 'transition',
    id,
    from: [...req.from],
    to: req.to,
    set,
    expectRequestHash: req.expectRequestHash,
    events: [prepareEvent(id, req.event, now)],
  }
}

export function appendOp(actionId: string, e: NewEvent, now: string): WriteOp {
  if (typeof actionId !== 'string' || actionId === '') throw new LedgerError('INVALID_INPUT', 'action id must be a non-empty string')
  return { kind: 'append', actionId, events: [prepareEvent(actionId, e, now)] }
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
