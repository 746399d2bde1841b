// Messages between the main thread (write-client.ts) and the SQLite write worker (write-worker.ts).
import type { Checkpoint } from '@faramesh/policy-core'
import type { SqliteOp, WireError, WireOutcome } from './batch-writer.js'

export interface WriterStart {
  path: string
  busyTimeoutMs: number
}

export type WriterRequest =
  | { id: number; kind: 'batch'; ops: SqliteOp[] }
  | { id: number; kind: 'checkpoint'; cp: Checkpoint }
  | { id: number; kind: 'key'; keyId: string; pem: string; createdAt: string }
  | { id: number; kind: 'close' }

/** `id` 0 answers the worker's start (its connection opened, or why not). */
export type WriterResponse = { id: number; ok: true; value: WireOutcome[] | null } | { id: number; ok: false; error: WireError }
