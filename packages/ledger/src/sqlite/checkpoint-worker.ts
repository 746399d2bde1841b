// Entry of the SQLite checkpoint worker: copies the WAL back into the database file from its own connection and
// thread, so the writer's commits are not the ones that pay for checkpoints (with the writer's automatic checkpoint,
// every ~1000 pages one commit also rewrote and fsynced the database file: the p99 of acknowledged writes).
// PASSIVE checkpoints never block the writer; when the WAL still grows under sustained writes (a passive checkpoint
// rarely catches up with a busy writer, and only a caught-up WAL restarts from the top), a RESTART checkpoint waits
// for a gap between two commits and makes the writer start the WAL afresh.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { CheckpointerStart } from './write-protocol.js'

const port = parentPort!
const { path, busyTimeoutMs, intervalMs, restartPages } = workerData as CheckpointerStart

let db: Database.Database | null = null
try {
  db = new Database(path)
  db.pragma(`busy_timeout = ${busyTimeoutMs}`)
  db.pragma('synchronous = FULL')
} catch {
  // Nothing to do: the writer still checkpoints by itself (its wal_autocheckpoint is only raised, not off).
  db = null
}

function tick(): void {
  if (!db) return
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>
    if (r && r.log >= restartPages) db.pragma('wal_checkpoint(RESTART)')
  } catch {
    // Busy or a transient I/O error: the next tick tries again; the writer's own checkpoint is the backstop.
  }
}

const timer = setInterval(tick, intervalMs)
port.on('message', () => {
  clearInterval(timer)
  try {
    db?.close()
  } catch {
    // Closing is best effort: the data is in the WAL already and the next open recovers it.
  }
  db = null
  port.close()
})
