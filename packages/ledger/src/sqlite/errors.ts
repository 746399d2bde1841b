// better-sqlite3 errors → LedgerError. Anything about the file itself (full, read-only, I/O, locked too long)
// means the store is unavailable (the server answers 503), not that the request was bad.
import { LedgerError, isLedgerError, type UnavailableReason } from '../errors.js'

function reasonOf(code: unknown): UnavailableReason {
  if (typeof code !== 'string') return 'unreachable'
  if (code === 'SQLITE_FULL') return 'disk_full'
  if (code.startsWith('SQLITE_READONLY')) return 'read_only'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked'
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return 'io_error'
  return 'unreachable'
}

export function sqliteError(err: unknown, what: string): LedgerError {
  if (isLedgerError(err)) return err
  const code = (err as { code?: unknown }).code
  const message = err instanceof Error ? err.message : String(err)
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new LedgerError('CONFLICT', `${what}: ${message}`, { sqlite: code }, err)
  }
  if (err instanceof TypeError && /database connection is not open/.test(message)) return new LedgerError('CLOSED')
  return new LedgerError('STORE_UNAVAILABLE', `${what}: ${message}`, { sqlite: code, reason: reasonOf(code) }, err)
}
