// postgres.js errors → LedgerError. Connection trouble and server-side resource or read-only conditions mean the
// store is unavailable (the server answers 503); a unique violation is a conflict; bad text is bad input.
import { LedgerError, isLedgerError } from '../errors.js'

const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

const UNAVAILABLE_CLASSES = ['08', '53', '57', '58', '40', 'XX']
const CLIENT_CONNECTION = /^(CONNECTION_|CONNECT_TIMEOUT|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN)/

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
  if (CLIENT_CONNECTION.test(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || code === '25006') {
    return new LedgerError('STORE_UNAVAILABLE', `${what}: ${message}`, details, err)
  }
  return new LedgerError('STORE_UNAVAILABLE', `${what}: ${message}`, details, err)
}

/** Errors after which retrying ops one by one is pointless (the server is gone, not one op bad). */
export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err)
  return CLIENT_CONNECTION.test(code) || ['08', '53', '57'].includes(code.slice(0, 2)) || code === '25006'
}
