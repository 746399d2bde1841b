// Messages between the main thread (write-client.ts) and the SQLite write worker (write-worker.ts).
import type { Checkpoint } from '@faramesh/policy-core'
import type { LedgerErrorCode } from '../errors.js'
import type { ActionRecord } from '../types.js'
import type { WriteOp } from '../write-ops.js'

/**
 * An op's events as they cross to the writer: flat, each event's id, event_type, meta and created_at in turn (the
 * action is the op's). Structured clone copies flat arrays of strings for far less than one object per event.
 */
export type FlatEvents = string[]
/**
 * A create as it crosses to the writer: one flat array, the row's values in ACTION_COLUMN_NAMES order (id first),
 * then its flat events. Measured with v8.serialize and deserialize on a submit's create: 5.5 µs as a row array plus
 * one object per event, 3.2 µs as one flat array (both threads together).
 */
export type CreateWire = Array<string | number | null>
export type TransitionOp = Omit<Extract<WriteOp, { kind: 'transition' }>, 'events'> & { events: FlatEvents }
export type AppendOp = Omit<Extract<WriteOp, { kind: 'append' }>, 'events'> & { events: FlatEvents }
/** A WriteOp as the writer takes it: without what only the caller's side needs (the create's decoded record). */
export type SqliteOp = CreateWire | TransitionOp | AppendOp

export interface WireError {
  code: LedgerErrorCode
  message: string
  details: Record<string, unknown> | undefined
}

/** One op's result: the action after a transition, and the op's events' chain (seqs `seq`, `seq + 1`, …). */
export type WireOutcome =
  | { ok: true; action: ActionRecord | null; seq: number; prevHash: string; hashes: string[] }
  | { ok: false; error: WireError }

export interface WriterStart {
  path: string
  busyTimeoutMs: number
}

export interface CheckpointerStart {
  path: string
  busyTimeoutMs: number
  intervalMs: number
  /** WAL pages at which a RESTART checkpoint makes the writer start the WAL from the top again. */
  restartPages: number
}

/** The writer's automatic checkpoint, kept only as a backstop for a checkpoint worker that fell behind or died. */
export const WRITER_AUTOCHECKPOINT_PAGES = 20_000

/** The write connection's page cache, in KiB (configureWriteConnection in batch-writer.ts says why it is small). */
export const WRITER_CACHE_KIB = 2000

/**
 * How often the checkpoint worker copies the WAL back, and at how many WAL pages it restarts the WAL (below the
 * writer's backstop). Each checkpoint fsyncs the database file, which delays the commits' own fsyncs on the same
 * disk: every 250 ms rather than every 50 ms gave POST /v1/actions about 10 % more throughput and a lower p99.
 */
export const CHECKPOINT_INTERVAL_MS = 250
export const CHECKPOINT_RESTART_PAGES = 16_000

export type WriterRequest =
  | { id: number; kind: 'batch'; ops: SqliteOp[] }
  | { id: number; kind: 'checkpoint'; cp: Checkpoint }
  | { id: number; kind: 'key'; keyId: string; pem: string; createdAt: string }
  | { id: number; kind: 'close' }

/** `id` 0 answers the worker's start (its connection opened, or why not). */
/** `value`: a batch's outcomes, whether a checkpoint was stored, or null. */
export type WriterResponse = { id: number; ok: true; value: WireOutcome[] | boolean | null } | { id: number; ok: false; error: WireError }
