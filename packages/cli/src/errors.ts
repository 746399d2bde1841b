// The CLI's one error class. Every failure a command reports is turned into a CliError (see exit-codes.ts),
// so the message format and the exit code are decided in one place.

export type CliErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'AMBIGUOUS_ID'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'VALIDATION'
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'SERVER'
  | 'POLICY_INVALID'
  | 'POLICY_TEST_FAILED'
  | 'VERIFY_FAILED'
  | 'DECISION_CHANGED'
  | 'DOCTOR_FAILED'
  | 'IO'
  | 'UPSTREAM'
  | 'INTERNAL'

export interface CliErrorOptions {
  /** One extra line telling the user what to do next. */
  hint?: string
  /** Structured detail for `--json` output (matches of an ambiguous id, policy problems, ...). */
  details?: unknown
  cause?: unknown
}

export class CliError extends Error {
  override readonly name = 'CliError'
  readonly code: CliErrorCode
  readonly hint: string | undefined
  readonly details: unknown

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }
}

export function cliError(code: CliErrorCode, message: string, options?: CliErrorOptions): CliError {
  return new CliError(code, message, options)
}
