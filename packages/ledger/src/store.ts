// What a dialect (sqlite/, postgres/) provides; ledger.ts builds the one Ledger behaviour on top of it.
import type { Checkpoint } from '@faramesh/policy-core'
import type { BatchOutcome } from './group-commit.js'
import type { StoredEvent } from './hash-chain.js'
import type { ActionPage, ActionRecord, LedgerStats, ListFilter } from './types.js'
import type { OpResult, WriteOp } from './write-ops.js'

export type CountFilter = Omit<ListFilter, 'limit' | 'offset' | 'cursor'>

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
  insertCheckpoint(cp: Checkpoint): Promise<void>
  /** Public keys that signed checkpoints of this ledger (so a restart with a new key still verifies old ones). */
  publicKeys(): Promise<string[]>
  registerPublicKey(keyId: string, pem: string, createdAt: string): Promise<void>
  /** Call `onChange` when another process may have appended (Postgres NOTIFY, SQLite data_version). */
  watchExternal(onChange: () => void): () => void
  ping(): Promise<boolean>
  close(): Promise<void>
}
