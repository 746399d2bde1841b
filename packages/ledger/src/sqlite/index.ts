// `@faramesh/ledger/sqlite`: open (create, migrate) a ledger in one SQLite file.
import Database from 'better-sqlite3'
import { LedgerError } from '../errors.js'
import { buildLedger } from '../ledger.js'
import { resolveSigningKey, sqliteSigningKeyPath } from '../signing-key-file.js'
import type { Ledger, LedgerOptions } from '../types.js'
import { sqliteError } from './errors.js'
import { checkSchemaVersion, migrateSqlite } from './migrator.js'
import { createSqliteStore } from './store.js'
import { inlineWriter, refusingWriter, startWriteWorker } from './write-client.js'

// The drizzle schema is `@faramesh/ledger/sqlite/schema`: not re-exported here, so opening a ledger never loads
// drizzle-orm (about 0.4 s of imports on the benchmark machine: packages/ledger/README.md § Schema and migrations).

/**
 * Open the ledger at `path` (':memory:' for a throw-away one). The checkpoint key comes from
 * `options.signingKeyPem`, else `options.signingKeyPath`, else `<path>.signing-key.pem` (created with mode 0600).
 */
export interface SqliteLedgerOptions extends LedgerOptions {
  /** How long a write waits for another process's lock before failing with STORE_UNAVAILABLE (default 10 s). */
  busyTimeoutMs?: number
  /**
   * Commit in a worker thread (default true) so the fsync of each group commit does not block the event loop.
   * `false` writes on the calling thread (as ':memory:' always does: its one connection cannot be shared).
   */
  writeWorker?: boolean
}

export async function openSqliteLedger(path: string, options: SqliteLedgerOptions = {}): Promise<Ledger> {
  if (typeof path !== 'string' || path === '') throw new LedgerError('INVALID_INPUT', 'sqlite path must be a non-empty string')
  let db: Database.Database
  try {
    db = new Database(path)
  } catch (err) {
    throw sqliteError(err, `cannot open ${path}`)
  }
  try {
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))
    db.pragma(`busy_timeout = ${busyTimeoutMs}`)
    checkSchemaVersion(db, path)
    db.pragma('journal_mode = WAL')
    // FULL: a commit is on disk (WAL fsynced) before the caller is told it happened.
    db.pragma('synchronous = FULL')
    migrateSqlite(db, path, (options.clock?.() ?? new Date()).toISOString())
    // verifyOnly: no key file is read or created, and no writer (nor its WAL checkpointer) is started.
    const key = options.verifyOnly ? null : resolveSigningKey(options, path === ':memory:' ? null : sqliteSigningKeyPath(path))
    const inline = path === ':memory:' || options.writeWorker === false
    const writer = options.verifyOnly ? refusingWriter() : inline ? inlineWriter(db) : await startWriteWorker({ path, busyTimeoutMs })
    try {
      return await buildLedger(createSqliteStore(db, writer), key, options)
    } catch (err) {
      await writer.close()
      throw err
    }
  } catch (err) {
    db.close()
    throw sqliteError(err, `cannot open ${path}`)
  }
}
