// Opens an existing SQLite ledger file for offline commands. A missing file is an error here (opening would
// silently create an empty database and report "0 actions").
import { existsSync } from 'node:fs'
import type { Ledger } from '@faramesh/ledger'
import { CliError } from '../errors.js'

export async function openExistingLedger(path: string): Promise<Ledger> {
  if (!existsSync(path)) {
    throw new CliError('NOT_FOUND', `Database file not found: ${path}`, { hint: 'Pass --db <file> or set FARA_SQLITE_PATH.' })
  }
  const { openSqliteLedger } = await import('@faramesh/ledger/sqlite')
  return openSqliteLedger(path)
}
