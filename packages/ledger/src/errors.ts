// The one error spine of the ledger. The server maps `code` to HTTP (NOT_FOUND → 404, INVALID_TRANSITION → 409,
// STORE_UNAVAILABLE → 503, …), so codes are stable and messages are for humans.

export const LEDGER_ERROR_CODES = {
  NOT_FOUND: 'No action with that id',
  INVALID_TRANSITION: 'The action is not in a status that allows this change',
  SCHEMA_TOO_NEW: 'The database was written by a newer version of @faramesh/ledger',
  STORE_UNAVAILABLE: 'The store cannot be reached or written (connection lost, disk full, read-only)',
  CONFLICT: 'A record with that id already exists',
  INVALID_INPUT: 'The value cannot be stored',
  CLOSED: 'The ledger has been closed',
  SIGNING_KEY: 'The checkpoint signing key file cannot be read, written or parsed',
} as const

export type LedgerErrorCode = keyof typeof LEDGER_ERROR_CODES

export class LedgerError extends Error {
  override readonly name = 'LedgerError'
  readonly code: LedgerErrorCode
  /** Where it happened: an action id, a seq, a migration file. */
  readonly details: Record<string, unknown> | undefined

  constructor(code: LedgerErrorCode, message?: string, details?: Record<string, unknown>, cause?: unknown) {
    super(message ?? LEDGER_ERROR_CODES[code], cause === undefined ? undefined : { cause })
    this.code = code
    this.details = details
  }
}

/** The message of whatever was thrown, for wrapping it in a LedgerError. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

export function isLedgerError(err: unknown, code?: LedgerErrorCode): err is LedgerError {
  return err instanceof LedgerError && (code === undefined || err.code === code)
}

/** Why the store is unavailable, in `details.reason` of a STORE_UNAVAILABLE error, so callers can say it plainly. */
export const UNAVAILABLE_REASONS = ['disk_full', 'read_only', 'io_error', 'locked', 'unreachable'] as const
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number]

/** The reason of a STORE_UNAVAILABLE error, or undefined for any other error. */
export function unavailableReason(err: unknown): UnavailableReason | undefined {
  if (!isLedgerError(err, 'STORE_UNAVAILABLE')) return undefined
  const r = err.details?.reason
  return (UNAVAILABLE_REASONS as readonly unknown[]).includes(r) ? (r as UnavailableReason) : undefined
}
