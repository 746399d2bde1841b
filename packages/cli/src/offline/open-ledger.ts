// Opens an existing SQLite ledger file for offline commands that only read it (policy simulate, replay-decision).
// A missing file is an error here (opening would silently create an empty database and report "0 actions"). It is
// opened verify-only: no signing key file is created beside it, no key recorded in it, nothing signed at close.
// verify-log goes further and never opens the file itself (evidence-copy.ts).
import { existsSync } from 'node:fs'
import type { Ledger } from '@faramesh/ledger'
import { CliError } from '../errors.js'

export async function openExistingLedger(path: string): Promise<Ledger> {
  if (!existsSync(path)) {
    throw new CliError('NOT_FOUND', `Database file not found: ${path}`, { hint: 'Pass --db <file> or set FARA_SQLITE_PATH.' })
  }
  const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
  return openSqliteLedger(path, { verifyOnly: true })
}
