// Why `faramesh mcp wrap` could not start or had to stop. The CLI maps `code` onto its documented exit codes.
export type WrapErrorCode = 'USAGE' | 'CONNECTION' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'UPSTREAM'

export class WrapError extends Error {
  override readonly name = 'WrapError'
  constructor(
    readonly code: WrapErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}
