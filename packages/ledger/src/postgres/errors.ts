// postgres.js errors → LedgerError. Connection trouble and server-side resource or read-only conditions mean the
// store is unavailable (the server answers 503); a unique violation is a conflict; bad text is bad input.
import { LedgerError, isLedgerError, type UnavailableReason } from '../errors.js'

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

const CLIENT_CONNECTION = /^(CONNECTION_|CONNECT_TIMEOUT|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN)/

// 53100 disk_full; 25006 read_only_sql_transaction (default_transaction_read_only, a hot standby); 55P03 lock
// not available and 40P01 deadlock read as "locked"; 58030 io_error; the rest (class 08, 57P0x, client-side socket
// errors) means the server cannot be reached.
function reasonOf(code: string): UnavailableReason {
  if (code === '53100') return 'disk_full'
  if (code === '25006') return 'read_only'
  if (code === '55P03' || code === '40P01') return 'locked'
  if (code === '58030') return 'io_error'
  return 'unreachable'
}

export function pgError(err: unknown, what: string): LedgerError {
  if (isLedgerError(err)) return err
  const code = codeOf(err)
  const message = err instanceof Error ? err.message : String(err)
  const details = { sqlstate: code }
  if (code === '23505') return new LedgerError('CONFLICT', `${what}: ${message}`, details, err)
  if (['22P05', '22P02', '22021', '54000', '22001'].includes(code)) {
    return new LedgerError('INVALID_INPUT', `${what}: ${message}`, details, err)
  }
  if (code === 'CONNECTION_ENDED') return new LedgerError('CLOSED', `${what}: the ledger's connections were closed`, details, err)
  return new LedgerError('STORE_UNAVAILABLE', `${what}: ${message}`, { ...details, reason: reasonOf(code) }, err)
}

/** Errors after which retrying ops one by one is pointless (the server is gone, not one op bad). */
export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err)
  return CLIENT_CONNECTION.test(code) || ['08', '53', '57'].includes(code.slice(0, 2)) || code === '25006'
}
