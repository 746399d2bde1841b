// `@faramesh/ledger/postgres`: open (migrate) a ledger in a Postgres database. Several processes may open the same
// database: appends are serialised by an advisory lock and each learns of the others' events via LISTEN/NOTIFY.
import postgres from 'postgres'
import { LedgerError } from '../errors.js'
import { buildLedger } from '../ledger.js'
import { resolveSigningKey } from '../signing-key-file.js'
import type { Ledger, LedgerOptions } from '../types.js'
import { pgError } from './errors.js'
import { migratePostgres } from './migrator.js'
import { createPostgresStore } from './store.js'

// The drizzle schema is `@faramesh/ledger/postgres/schema`: not re-exported here, so opening a ledger never loads
// drizzle-orm (about 0.4 s of imports on the benchmark machine: packages/ledger/README.md § Schema and migrations).

export interface PostgresLedgerOptions extends LedgerOptions {
  /** Connection pool size (default 10). */
  max?: number
}

/**
 * Open the ledger in the database at `dsn`. The checkpoint key comes from `options.signingKeyPem`, else
 * `options.signingKeyPath` (created with mode 0600 when missing), else a key generated for this process only
 * (its public key is recorded in the database so its checkpoints still verify after a restart).
 */
export async function openPostgresLedger(dsn: string, options: PostgresLedgerOptions = {}): Promise<Ledger> {
  if (typeof dsn !== 'string' || dsn === '') throw new LedgerError('INVALID_INPUT', 'postgres dsn must be a non-empty string')
  const sql = postgres(dsn, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    connect_timeout: 10,
    // on: a commit is flushed to the server's WAL before the caller hears it succeeded, whatever the server default.
    connection: { synchronous_commit: 'on', application_name: 'faramesh-ledger' },
  })
  const where = dsn.replace(/:[^:@/]*@/, ':***@')
  try {
    await migratePostgres(sql, where, (options.clock?.() ?? new Date()).toISOString())
    const key = options.verifyOnly ? null : resolveSigningKey(options, null)
    return await buildLedger(createPostgresStore(sql), key, options)
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => undefined)
    throw pgError(err, `cannot open ${where}`)
  }
}
