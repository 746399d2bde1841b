// The global chain (CONTRACT.md § One chain): hash = sha256hex(canonicalJson({seq, id, action_id, event_type, meta,
// created_at}) + prev_hash). Events keep `meta` as its canonical JSON text in the store, so hashing never has to
// re-parse it and an independent verifier that parses and re-canonicalises gets the same bytes.
import type { EventType } from '@faramesh/policy-core'
import { hash } from 'node:crypto'
import { quote } from './canonical.js'
import type { ChainEvent } from './types.js'

/** An event as stored: `meta` is canonical JSON text. */
export interface StoredEvent {
  seq: number
  id: string
  action_id: string
  event_type: EventType
  meta: string
  created_at: string
  prev_hash: string
  hash: string
}

export type UnchainedEvent = Omit<StoredEvent, 'seq' | 'prev_hash' | 'hash'>

/** The stored event columns in the order both dialects select them; `eventFromValues` reads a row in this order. */
export const EVENT_COLUMNS = ['seq', 'id', 'action_id', 'event_type', 'meta', 'created_at', 'prev_hash', 'hash'] as const
export const EVENT_SELECT = EVENT_COLUMNS.join(', ')

/** An event from a positional row (`SELECT ${EVENT_SELECT}` as arrays); seq may come back as a bigint string. */
export function eventFromValues(r: unknown[]): StoredEvent {
  return {
    seq: Number(r[0]),
    id: r[1] as string,
    action_id: r[2] as string,
    event_type: r[3] as StoredEvent['event_type'],
    meta: r[4] as string,
    created_at: r[5] as string,
    prev_hash: r[6] as string,
    hash: r[7] as string,
  }
}

/** The canonical JSON of the hashed fields; keys in code-point order: action_id, created_at, event_type, id, meta, seq. */
export function eventBody(e: Omit<StoredEvent, 'prev_hash' | 'hash'>): string {
  return bodyOf(e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at)
}

function bodyOf(seq: number, id: string, actionId: string, eventType: string, meta: string, createdAt: string): string {
  return `{"action_id":${quote(actionId)},"created_at":${quote(createdAt)},"event_type":${quote(eventType)},"id":${quote(id)},"meta":${meta},"seq":${seq}}`
}

export function eventHash(e: Omit<StoredEvent, 'hash'>): string {
  // Same bytes as policy-core's sha256Hex (hash-chain.test.ts checks it); the one-shot hash() is ~4x faster than
  // createHash() per call, which is most of verify()'s time over a million events.
  return eventHashOf(e.seq, e.id, e.action_id, e.event_type, e.meta, e.created_at, e.prev_hash)
}

/** eventHash of an event given field by field (the SQLite writer's flat events), without building the object. */
export function eventHashOf(seq: number, id: string, actionId: string, eventType: string, meta: string, createdAt: string, prevHash: string): string {
  return hash('sha256', bodyOf(seq, id, actionId, eventType, meta, createdAt) + prevHash, 'hex')
}

/** Give events the next seqs after `head`, linking each to the one before. */
export function chainEvents(
  head: { seq: number; hash: string } | null,
  events: readonly UnchainedEvent[],
): StoredEvent[] {
  let seq = head?.seq ?? 0
  let prev = head?.hash ?? ''
  return events.map((e) => {
    seq += 1
    const stored = { ...e, seq, prev_hash: prev, hash: '' }
    stored.hash = eventHash(stored)
    prev = stored.hash
    return stored
  })
}

export function toChainEvent(e: StoredEvent): ChainEvent {
  return {
    id: e.id,
    action_id: e.action_id,
    event_type: e.event_type,
    meta: JSON.parse(e.meta) as Record<string, unknown>,
    created_at: e.created_at,
    seq: e.seq,
    prev_hash: e.prev_hash,
    hash: e.hash,
  }
}

/** One NDJSON export line: every field of the event, keys sorted, `meta` exactly as stored. */
export function eventLine(e: StoredEvent): string {
  return `{"action_id":${quote(e.action_id)},"created_at":${quote(e.created_at)},"event_type":${quote(e.event_type)},"hash":${quote(e.hash)},"id":${quote(e.id)},"meta":${e.meta},"prev_hash":${quote(e.prev_hash)},"seq":${e.seq}}`
}
