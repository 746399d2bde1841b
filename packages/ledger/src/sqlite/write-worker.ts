// Entry of the SQLite write worker (a worker_threads Worker): the ledger's one write connection. better-sqlite3 is
// synchronous, so running BEGIN IMMEDIATE … COMMIT (and its fsync) here keeps the main event loop free to serve
// HTTP and to gather the next batch while this one is made durable. Reads stay on the main thread's connection.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { createBatchWriter, wireError, type BatchWriter } from './batch-writer.js'
import { WRITER_AUTOCHECKPOINT_PAGES, type WriterRequest, type WriterResponse, type WriterStart } from './write-protocol.js'

const port = parentPort!
const { path, busyTimeoutMs } = workerData as WriterStart

let db: Database.Database | null = null
let writer: BatchWriter
try {
  db = new Database(path)
  db.pragma(`busy_timeout = ${busyTimeoutMs}`)
  // FULL: a commit is on disk (WAL fsynced) before any caller is told it happened. WAL mode is a property of the file,
  // already set by the opener.
  db.pragma('synchronous = FULL')
  // Checkpoints are checkpoint-worker.ts's job; this one only catches up if that worker fell far behind.
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  writer = createBatchWriter(db)
  port.postMessage({ id: 0, ok: true, value: null } satisfies WriterResponse)
} catch (err) {
  db?.close()
  port.postMessage({ id: 0, ok: false, error: wireError(err, `cannot open ${path} for writing`) } satisfies WriterResponse)
  port.close()
}

port.on('message', (req: WriterRequest) => {
  let res: WriterResponse
  try {
    if (req.kind === 'batch') res = { id: req.id, ok: true, value: writer.applyBatch(req.ops) }
    else if (req.kind === 'checkpoint') res = { id: req.id, ok: true, value: (writer.insertCheckpoint(req.cp), null) }
    else if (req.kind === 'key') res = { id: req.id, ok: true, value: (writer.registerPublicKey(req.keyId, req.pem, req.createdAt), null) }
    else {
      db?.close()
      db = null
      port.postMessage({ id: req.id, ok: true, value: null } satisfies WriterResponse)
      port.close()
      return
    }
  } catch (err) {
    res = { id: req.id, ok: false, error: wireError(err, `${req.kind} failed`) }
  }
  port.postMessage(res)
})
