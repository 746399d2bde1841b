// The one Ledger interface; `@faramesh/ledger/sqlite` and `@faramesh/ledger/postgres` implement it.
import type { ActionCore, ActionEvent, ActionStatus, Checkpoint, DecisionFields, EventType } from '@faramesh/policy-core'

/** An action as stored. The server turns it into the API's `Action` (adds examples, hides secrets). */
export interface ActionRecord
  extends ActionCore,
    Partial<Omit<DecisionFields, 'decision' | 'reason' | 'risk_level' | 'policy_version'>> {
  risk_level: DecisionFields['risk_level']
  policy_version: string | null
  /** sha256 hex of the approval token; the token itself is never stored. */
  approval_token_hash: string | null
  approval_expires_at: string | null
  /** Principal name that submitted the action (for the self-approval check); null when auth is off. */
  submitted_by: string | null
  /** Client's Idempotency-Key; unique per (submitted_by ?? agent_id). Absent/null: no de-duplication. */
  idempotency_key?: string | null
  result: unknown
  error: string | null
  created_at: string
  updated_at: string
}

/** An event before the ledger gives it seq/prev_hash/hash. `id` and `created_at` are filled in when absent. */
export interface NewEvent {
  id?: string
  event_type: EventType
  meta: Record<string, unknown>
  created_at?: string
}

export type ChainEvent = ActionEvent

export interface ListFilter {
  status?: ActionStatus | ActionStatus[]
  tool?: string
  agent_id?: string
  /** Only actions submitted by this principal (an agent token's name). */
  submitted_by?: string
  risk_level?: string
  /** Text search over id, tool and operation (substring, case-insensitive). */
  q?: string
  /** Only actions created at or after this ISO time. */
  since?: string
  limit?: number
  offset?: number
  /** Opaque cursor from a previous page's `next_cursor`; stable while new actions arrive. */
  cursor?: string
}

export interface ActionPage {
  items: ActionRecord[]
  next_cursor: string | null
}

export interface TransitionRequest {
  /** The statuses the action must be in right now (compare-and-set). */
  from: readonly ActionStatus[]
  to: ActionStatus
  /** Other columns to set in the same update (result, error, approval_token_hash: null, ...). */
  patch?: Partial<Omit<ActionRecord, 'id' | 'status' | 'created_at'>>
  /** The event written in the same transaction. */
  event: NewEvent
  /** When set, the action's request_hash must equal it, else INVALID_TRANSITION. */
  expectRequestHash?: string
}

export type VerifyReason =
  | 'hash_mismatch'
  | 'gap'
  | 'broken_link'
  | 'checkpoint_mismatch'
  | 'truncated'
  | 'bad_signature'
  | 'untrusted_key'
  | 'action_mismatch'
  | 'action_missing'
  | 'action_unchained'

/** The signed checkpoints within the verified range. */
export interface CheckpointReport {
  /** Checkpoints in the range (on success, each signed by a trusted key and matching the chain). */
  count: number
  /** The highest checkpointed seq in the range, or null when there is none. */
  last_seq: number | null
  /** Events after the last checkpoint, up to the end of the range: no signature covers them yet. */
  unsigned: number
  /** key_id → how many of the checkpoints it signed. */
  keys: Record<string, number>
}

/** The actions table held against the chain (a full verify only). */
export interface ActionsReport {
  /** Actions whose every covered column equals what their events say. */
  checked: number
  /** Column → how many actions' value no event vouches for (events written before stamps: see the README). */
  uncovered: Record<string, number>
  /** Actions written while verify ran (events after the walked head): left for the next verify. */
  skipped: number
}

export type VerifyResult =
  | {
      ok: true
      checked: number
      head: { seq: number; hash: string } | null
      checkpoints: CheckpointReport
      /** null for a range (`from`/`to`) or `actions: false`. */
      actions?: ActionsReport | null
      /** key_ids recorded in the store's ledger_keys (ledger.verify only): trusted only without `publicKeys`. */
      database_keys?: string[]
    }
  | {
      ok: false
      checked: number
      seq: number
      reason: VerifyReason
      message: string
      /** The action whose row differs from its events (action_*). */
      action_id?: string
      /** The column that differs (action_mismatch). */
      field?: string
      /** The checkpoint key that is not trusted (untrusted_key) or whose signature fails (bad_signature). */
      key_id?: string
      checkpoints?: CheckpointReport
      database_keys?: string[]
    }

export interface VerifyOptions {
  from?: number
  to?: number
  /**
   * The public keys (SPKI PEM) whose checkpoint signatures are trusted. Default: the ledger's own key and every key
   * in the store's ledger_keys, which anyone who can write the database can add to: an auditor passes the keys
   * they got out of band, and a checkpoint signed by any other key fails with `untrusted_key`.
   */
  publicKeys?: readonly string[]
  /** Hold every action row against its events (default true; only for a verify of the whole chain). */
  actions?: boolean
}

export interface LedgerStats {
  by_status_tool: Array<{ status: ActionStatus; tool: string; count: number }>
}

/** What createAction answers: the stored action and its events, chained. */
export interface CreatedAction {
  action: ActionRecord
  events: ChainEvent[]
}

export interface StagedAction {
  /** The action as it will be stored; the same record `written` resolves with. */
  action: ActionRecord
  written: Promise<CreatedAction>
}

export interface Ledger {
  readonly dialect: 'sqlite' | 'postgres'
  /** Insert a new action together with its first events (created, decision_made) in one transaction. */
  createAction(action: ActionRecord, events: NewEvent[]): Promise<CreatedAction>
  /**
   * createAction in two steps: the action exactly as it will be stored and read back (validated, defaults filled) at
   * once, and the write. A caller can prepare its answer from `action` while the write commits. Invalid input throws
   * here, before anything is written; `written` settles as createAction's promise would.
   */
  stageAction(action: ActionRecord, events: NewEvent[]): StagedAction
  getAction(id: string): Promise<ActionRecord | null>
  /** Actions whose id starts with the prefix (for CLI prefix matching), at most `limit`. */
  findByIdPrefix(prefix: string, limit?: number): Promise<ActionRecord[]>
  /** The action created with this Idempotency-Key in this scope (submitted_by, else agent_id), or null. */
  findByIdempotencyKey(scope: string, key: string): Promise<ActionRecord | null>
  /** Newest first. */
  listActions(filter?: ListFilter): Promise<ActionPage>
  countActions(filter?: Omit<ListFilter, 'limit' | 'offset' | 'cursor'>): Promise<number>
  stats(): Promise<LedgerStats>
  /** Compare-and-set state change plus its event in one transaction; throws LedgerError INVALID_TRANSITION / NOT_FOUND. */
  transition(id: string, req: TransitionRequest): Promise<{ action: ActionRecord; event: ChainEvent }>
  /** Append an event that changes no status (e.g. executor output). */
  appendEvent(actionId: string, event: NewEvent): Promise<ChainEvent>
  /** Events of one action, oldest first. */
  getEvents(actionId: string): Promise<ChainEvent[]>
  /** Events with seq > afterSeq, in seq order (SSE resume, replication). */
  readEvents(afterSeq: number, limit?: number): Promise<ChainEvent[]>
  head(): Promise<{ seq: number; hash: string } | null>
  /** The chain (seq by seq), its signed checkpoints against the trusted keys, then every action row against its events. */
  verify(options?: VerifyOptions): Promise<VerifyResult>
  checkpoints(): Promise<Checkpoint[]>
  /** Sign the current head now (also happens every N events / T seconds and at close); the checkpoint that covers it. */
  checkpoint(): Promise<Checkpoint | null>
  publicKey(): { key_id: string; public_key_pem: string }
  /**
   * A 32-byte secret for `purpose` derived from the signing key (HKDF-SHA256): the same for every process with the
   * same key, across restarts, and never stored. The server derives its approval tokens from it.
   */
  deriveSecret(purpose: string): Buffer
  /** The chain as NDJSON lines (one event each, then checkpoints as `{"checkpoint": …}` lines). */
  exportNdjson(fromSeq?: number): AsyncIterable<string>
  /** Change feed: every committed event, including ones written by other processes (Postgres LISTEN/NOTIFY). */
  subscribe(listener: (event: ChainEvent) => void): () => void
  /** Pending-approval actions whose approval expired before `now` (for the timeout sweeper). */
  expiredApprovals(now: string, limit?: number): Promise<ActionRecord[]>
  /** Cheap round trip to the store, for /ready. */
  ping(): Promise<boolean>
  /**
   * Drains writes, signs the head (unless verifyOnly; best effort: a store that cannot be reached is closed without
   * it, so call checkpoint() first to hear why it fails) and closes the store.
   */
  close(): Promise<void>
}

export interface LedgerOptions {
  /** Ed25519 private key (PEM) for checkpoints; generated and stored beside the data when absent. */
  signingKeyPem?: string
  /** Where to keep the generated key (SQLite: next to the file; Postgres: required or generated in memory). */
  signingKeyPath?: string
  /** Sign the head once it is this many events past the last checkpoint (default 1000; 0: only on the timer and at close). */
  checkpointEvery?: number
  /** Sign the head this often when it moved (default 60,000 ms; 0: only by count and at close). */
  checkpointIntervalMs?: number
  clock?: () => Date
  /** Most writes committed in one transaction (group commit); 1 turns group commit off (benchmark baseline). Default 512. */
  maxBatch?: number
  /**
   * Open for reading and verifying only: no signing key is read or created, none is recorded in ledger_keys, no
   * checkpoint is signed (not even at close), and every write is refused with INVALID_INPUT. The schema is still
   * migrated when older than this package, so evidence is opened as a copy (the CLI's verify-log does).
   */
  verifyOnly?: boolean
}
