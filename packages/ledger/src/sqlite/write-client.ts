// The main thread's side of the SQLite write path: batches go to the write worker by postMessage and their promises
// resolve when the worker answers, i.e. after COMMIT. ':memory:' databases (one connection only) write inline.
import { extname } from 'node:path'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'
import type { Checkpoint } from '@faramesh/policy-core'
import { LedgerError } from '../errors.js'
import { createBatchWriter, wireError } from './batch-writer.js'
import {
  CHECKPOINT_INTERVAL_MS,
  CHECKPOINT_RESTART_PAGES,
  type CheckpointerStart,
  type SqliteOp,
  type WireError,
  type WireOutcome,
  type WriterRequest,
  type WriterResponse,
  type WriterStart,
} from './write-protocol.js'

export interface SqliteWriter {
  /** How many batches may be handed over before the previous one answered (the worker applies them in order). */
  readonly concurrency: number
  applyBatch(ops: SqliteOp[]): Promise<WireOutcome[]>
  /** True when stored (false: a checkpoint at or beyond its seq exists already). */
  insertCheckpoint(cp: Checkpoint): Promise<boolean>
  registerPublicKey(keyId: string, pem: string, createdAt: string): Promise<void>
  close(): Promise<void>
}

export const fromWire = (e: WireError): LedgerError => new LedgerError(e.code, e.message, e.details)

/** Writes on the given connection, blocking the event loop for each commit (the only choice for ':memory:'). */
export function inlineWriter(db: Database.Database): SqliteWriter {
  const w = createBatchWriter(db)
  const run = <T>(what: string, f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f())
    } catch (err) {
      return Promise.reject(fromWire(wireError(err, what)))
    }
  }
  return {
    concurrency: 1,
    applyBatch: (ops) => run('write', () => w.applyBatch(ops)),
    insertCheckpoint: (cp) => run('write checkpoint', () => w.insertCheckpoint(cp)),
    registerPublicKey: (k, pem, at) => run('register key', () => w.registerPublicKey(k, pem, at)),
    close: () => Promise.resolve(),
  }
}

/** The writer of a verifyOnly ledger (the ledger refuses writes before they get here). */
export function refusingWriter(): SqliteWriter {
  const refuse = () => Promise.reject(new LedgerError('INVALID_INPUT', 'this ledger was opened verify-only: it writes nothing'))
  return { concurrency: 1, applyBatch: refuse, insertCheckpoint: refuse, registerPublicKey: refuse, close: () => Promise.resolve() }
}

// The worker module beside this one, with this module's own extension: dist/sqlite/write-worker.js when built, the
// TypeScript source when the ledger's own tests run from src/ (test/worker-hooks.ts makes Node able to load it).
function workerUrl(name: string): URL {
  return new URL(`./${name}${extname(import.meta.url)}`, import.meta.url)
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

export function startWriteWorker(start: WriterStart): Promise<SqliteWriter> {
  const worker = new Worker(workerUrl('write-worker'), { workerData: start })
  const checkpointer = startCheckpointer({ ...start, intervalMs: CHECKPOINT_INTERVAL_MS, restartPages: CHECKPOINT_RESTART_PAGES })
  const pending = new Map<number, { resolve: (v: WireOutcome[] | boolean | null) => void; reject: (e: LedgerError) => void }>()
  let nextId = 1
  let stopped: LedgerError | null = null
  let closing = false
  // Referenced only while a write is in flight: an open ledger alone does not keep the process alive.
  worker.unref()

  const fail = (error: LedgerError) => {
    stopped ??= error
    for (const p of pending.values()) p.reject(stopped)
    pending.clear()
  }
  worker.on('error', (err) => fail(new LedgerError('STORE_UNAVAILABLE', `sqlite write worker failed: ${err.message}`, undefined, err)))
  worker.on('exit', () => fail(new LedgerError('STORE_UNAVAILABLE', 'sqlite write worker stopped')))
  worker.on('message', (m: WriterResponse) => {
    const p = pending.get(m.id)
    if (!p) return
    pending.delete(m.id)
    if (pending.size === 0 && !closing) worker.unref()
    if (m.ok) p.resolve(m.value)
    else p.reject(fromWire(m.error))
  })

  function request(id: number, req: WriterRequest | null): Promise<WireOutcome[] | boolean | null> {
    if (stopped) return Promise.reject(stopped)
    return new Promise((resolve, reject) => {
      if (pending.size === 0) worker.ref()
      pending.set(id, { resolve, reject })
      if (req) worker.postMessage(req)
    })
  }
  const send = (req: WithoutId<WriterRequest>) => {
    const id = nextId++
    return request(id, { ...req, id })
  }

  const writer: SqliteWriter = {
    // One batch at a time: measured with 16 HTTP clients, two in flight was no faster (commit latency, not this
    // thread, bounds throughput there) and a write waits behind fewer commits.
    concurrency: 1,
    applyBatch: async (ops) => ((await send({ kind: 'batch', ops })) as WireOutcome[] | null) ?? [],
    insertCheckpoint: async (cp) => (await send({ kind: 'checkpoint', cp })) === true,
    registerPublicKey: async (keyId, pem, createdAt) => void (await send({ kind: 'key', keyId, pem, createdAt })),
    async close() {
      if (stopped) return
      // Stay referenced until the worker has exited, so a process whose last task is close() waits for it.
      closing = true
      worker.ref()
      const exited = new Promise((r) => worker.once('exit', r))
      await send({ kind: 'close' }).catch(() => undefined)
      await exited
      await checkpointer.close()
    },
  }
  // The worker's first message (id 0) says whether it could open the file for writing.
  return request(0, null).then(
    () => writer,
    async (err: LedgerError) => {
      await worker.terminate()
      await checkpointer.close()
      throw err
    },
  )
}

/** The WAL checkpointer (checkpoint-worker.ts): best effort, the writer's own checkpoint is the backstop. */
function startCheckpointer(start: CheckpointerStart): { close(): Promise<void> } {
  const worker = new Worker(workerUrl('checkpoint-worker'), { workerData: start })
  worker.unref()
  let exited = false
  const gone = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  worker.on('error', () => undefined)
  return {
    async close() {
      if (exited) return
      worker.ref()
      worker.postMessage('close')
      await gone
    },
  }
}
