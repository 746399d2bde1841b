// better-sqlite3 errors → LedgerError. Anything about the file itself (full, read-only, I/O, locked too long)
// means the store is unavailable (the server answers 503), not that the request was bad.
import { LedgerError, isLedgerError } from '../errors.js'

export function sqliteError(err: unknown, what: string): LedgerError {
  if (isLedgerError(err)) return err
  const code = (err as { code?: unknown }).code
  const message = err instanceof Error ? err.message : String(err)
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new LedgerError('CONFLICT', `${what}: ${message}`, { sqlite: code }, err)
  }
  if (err instanceof TypeError && /database connection is not open/.test(message)) return new LedgerError('CLOSED')
  return new LedgerError('STORE_UNAVAILABLE', `${what}: ${message}`, { sqlite: code }, err)
}
