// What a dialect (sqlite/, postgres/) provides; ledger.ts builds the one Ledger behaviour on top of it.
import type { Checkpoint } from '@faramesh/policy-core'
import type { BatchOutcome } from './group-commit.js'
import type { StoredEvent } from './hash-chain.js'
import type { ActionPage, ActionRecord, LedgerStats, ListFilter } from './types.js'
import type { OpResult, WriteOp } from './write-ops.js'

export type CountFilter = Omit<ListFilter, 'limit' | 'offset' | 'cursor'>

/** An action row and the events filed under it (oldest first), read in one snapshot (verify). */
export interface AuditedAction {
  pos: number
  action: ActionRecord
  events: StoredEvent[]
}

/** The first event with seq ≤ maxSeq not filed under a row of its action_id, and whether such a row exists. */
export interface UnlinkedEvent {
  seq: number
  action_id: string
  row_exists: boolean
}

export interface LedgerStore {
  readonly dialect: 'sqlite' | 'postgres'
  /** Batches applyBatch may be given before the previous one answered (it must apply them in that order). Default 1. */
  readonly writeConcurrency?: number
  /** Apply the ops in one transaction under the chain lock; resolve only after COMMIT. A refused op fails alone. */
  applyBatch(ops: WriteOp[]): Promise<Array<BatchOutcome<OpResult>>>
  getAction(id: string): Promise<ActionRecord | null>
  findByIdPrefix(prefix: string, limit: number): Promise<ActionRecord[]>
  findByIdempotencyKey(scope: string, key: string): Promise<ActionRecord | null>
  listActions(filter: ListFilter): Promise<ActionPage>
  countActions(filter: CountFilter): Promise<number>
  stats(): Promise<LedgerStats>
  expiredApprovals(now: string, limit: number): Promise<ActionRecord[]>
  getEvents(actionId: string): Promise<StoredEvent[]>
  /** Events with afterSeq < seq (≤ toSeq when given), in seq order. */
  readEvents(afterSeq: number, limit: number, toSeq?: number): Promise<StoredEvent[]>
  /** Every event with afterSeq < seq (≤ toSeq when given) in seq order, in batches: the fast path for verify/export. */
  scanEvents(afterSeq: number, toSeq?: number): AsyncIterable<StoredEvent[]>
  eventAt(seq: number): Promise<StoredEvent | null>
  head(): Promise<{ seq: number; hash: string } | null>
  checkpoints(): Promise<Checkpoint[]>
  lastCheckpoint(): Promise<Checkpoint | null>
  /**
   * Sign the head with `sign` and store it, only when the head is at least `minAdvance` events past the last stored
   * checkpoint; null when it is not. Atomic against other processes (SQLite: a conditional insert; Postgres: an
   * advisory lock), so checkpoints of several writers form one increasing sequence.
   */
  appendCheckpoint(sign: (head: { seq: number; hash: string }, last: Checkpoint | null) => Checkpoint, minAdvance: number): Promise<Checkpoint | null>
  /** Up to `limit` actions with pos > afterPos in pos order, each with its events, from one snapshot. */
  auditActions(afterPos: number, limit: number): Promise<AuditedAction[]>
  unlinkedEvent(maxSeq: number): Promise<UnlinkedEvent | null>
  /** Public keys that signed checkpoints of this ledger (so a restart with a new key still verifies old ones). */
  publicKeys(): Promise<string[]>
  registerPublicKey(keyId: string, pem: string, createdAt: string): Promise<void>
  /** Call `onChange` when another process may have appended (Postgres NOTIFY, SQLite data_version). */
  watchExternal(onChange: () => void): () => void
  ping(): Promise<boolean>
  close(): Promise<void>
}
