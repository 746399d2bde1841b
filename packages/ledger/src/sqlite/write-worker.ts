// Entry of the SQLite write worker (a worker_threads Worker): the ledger's one write connection. better-sqlite3 is
// synchronous, so running BEGIN IMMEDIATE … COMMIT (and its fsync) here keeps the main event loop free to serve
// HTTP and to gather the next batch while this one is made durable. Reads stay on the main thread's connection.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { configureWriteConnection, createBatchWriter, wireError, type BatchWriter } from './batch-writer.js'
import type { WriterRequest, WriterResponse, WriterStart } from './write-protocol.js'

const port = parentPort!
const { path, busyTimeoutMs } = workerData as WriterStart

let db: Database.Database | null = null
let writer: BatchWriter
try {
  db = new Database(path)
  db.pragma(`busy_timeout = ${busyTimeoutMs}`)
  configureWriteConnection(db)
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
    else if (req.kind === 'checkpoint') res = { id: req.id, ok: true, value: writer.insertCheckpoint(req.cp) }
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
